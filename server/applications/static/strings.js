// Every text of the back-office page, Simplified Chinese first.
window.STRINGS = {
  zh: {
    appTitle: "后台审批", username: "用户名", password: "密码", login: "登录", logout: "退出",
    langSwitch: "English", notReviewer: "仅限审批人员和大厅管理员登录", loginFailed: "登录已失效，请重新登录",
    colReceipt: "受理编号", colService: "事项", colApplicant: "申请人", colStatus: "状态",
    colReviews: "部门审批", colMaterials: "材料", colDue: "承诺办结", colLeft: "剩余工作日",
    colAction: "操作", empty: "当前没有待审批的办件", approve: "批准", refuse: "不予批准",
    correction: "要求补正", notePlaceholder: "意见 / 需补正的材料", needNote: "请先填写意见或需补正的材料",
    allDepts: "全部部门", paused: "补正中（暂停计时）", overdue: "已超期", days: "天",
    done_approve: "已批准", done_refuse: "已作出不予批准决定", done_correction: "已通知申请人补正",
    pending: "待审", approved: "通过", refused: "不通过", withdrawn: "撤回",
    src_licence: "已从电子证照库调取", src_window: "窗口收取", src_online: "网上预审",
  },
  en: {
    appTitle: "Back-office review", username: "Username", password: "Password", login: "Sign in", logout: "Sign out",
    langSwitch: "中文", notReviewer: "Reviewers and hall managers only", loginFailed: "Session expired, sign in again",
    colReceipt: "Receipt", colService: "Service", colApplicant: "Applicant", colStatus: "Status",
    colReviews: "Departments", colMaterials: "Materials", colDue: "Promised by", colLeft: "Working days left",
    colAction: "Action", empty: "Nothing to review", approve: "Approve", refuse: "Refuse",
    correction: "Request correction", notePlaceholder: "Reason / materials needed", needNote: "Write the reason or the materials needed first",
    allDepts: "All departments", paused: "Correction (clock paused)", overdue: "Overdue", days: "d",
    done_approve: "Approved", done_refuse: "Refused", done_correction: "Applicant asked for materials",
    pending: "pending", approved: "approved", refused: "refused", withdrawn: "withdrawn",
    src_licence: "From the e-licence store", src_window: "At the window", src_online: "Pre-reviewed online",
  },
};
