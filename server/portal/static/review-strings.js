// Texts of the pre-review page added to the portal's strings (zh-CN first, English second).
// Kept apart from strings.js so the review page's texts live in one place.
Object.assign(window.STRINGS.zh, {
  rvPick: "请在左侧选择一份材料，右侧可直接查看文件并审核。",
  rvPreview: "材料预览", rvLoading: "正在加载文件…", rvNoPreview: "该文件类型无法在此预览",
  rvReasons: "退回原因（可多选）", rvOther: "其他", rvOtherText: "补充说明（选择“其他”时必填）",
  rvNeedOther: "选择“其他”时请填写说明", rvFile: "文件", rvApplicant: "申请人", rvService: "事项",
  rvSubmitted: "提交时间",
  rvPresets: ["模糊不清", "不在有效期", "材料不全", "与申请人不符"],
});
Object.assign(window.STRINGS.en, {
  rvPick: "Pick a material on the left to see the file here and decide.",
  rvPreview: "Preview", rvLoading: "Loading the file…", rvNoPreview: "This file type cannot be previewed here",
  rvReasons: "Reasons (pick any)", rvOther: "Other", rvOtherText: "Details (required with “Other”)",
  rvNeedOther: "Describe the reason when choosing “Other”", rvFile: "File", rvApplicant: "Applicant", rvService: "Service",
  rvSubmitted: "Submitted",
  rvPresets: ["Blurred, unreadable", "Expired", "Incomplete", "Does not match the applicant"],
});
