"""Staff login, token issue/resolve/revoke."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.auth.models import ROLES, AuthToken, Device, LoginFailure, Staff
from server.auth.principal import Principal
from server.core.clock import utcnow
from server.core.errors import Conflict, DomainError, Invalid, TooManyRequests, Unauthorized
from server.core.security import hash_password, new_token, token_digest, verify_password
from tongban_common.wire import ErrorCode, StaffRole

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Failures further apart than this start counting again from one (same rule for every name).
FAILURE_WINDOW = timedelta(minutes=15)


@cache
def _dummy_hash() -> str:
    """Verified against unknown usernames so response time does not reveal which names exist
    (made on first use: hashing at import slowed every start and every test process)."""
    return hash_password("not-a-real-password")


def login(
    s: Session, *, username: str, password: str, ttl_hours: float
) -> tuple[str | None, Staff | None, DomainError | None]:
    """Check a password and issue a token; failures are returned (not raised) so the
    failure counter commits. Failures are counted per submitted username whether or not
    the account exists, so unknown and real names answer and lock alike."""
    now = utcnow()
    staff = s.scalar(select(Staff).where(Staff.username == username))
    record = s.get(LoginFailure, username)
    if record is not None and record.locked_until and record.locked_until > now:
        return None, None, TooManyRequests(
            "登录失败次数过多，账号已临时锁定，请15分钟后再试", code=ErrorCode.ACCOUNT_LOCKED
        )
    usable = staff is not None and staff.active
    # Always one argon2 verification, so timing does not tell known names from unknown.
    ok = verify_password(staff.password_hash if usable else _dummy_hash(), password)
    if not (usable and ok):
        _count_failure(s, username=username, now=now)
        return None, None, Unauthorized("用户名或密码错误", code=ErrorCode.BAD_CREDENTIALS)
    assert staff is not None
    if record is not None:
        s.delete(record)
    return issue_token(s, kind="staff", subject_id=staff.id, ttl_hours=ttl_hours), staff, None


def _count_failure(s: Session, *, username: str, now: datetime) -> None:
    """One more failure for this name (one upsert: safe under concurrent guesses)."""
    # Forget names nobody has failed on lately and whose lock ran out: the table stays small
    # even when an attacker submits many made-up names.
    s.execute(delete(LoginFailure).where(
        LoginFailure.last_failed_at < now - FAILURE_WINDOW,
        or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until <= now),
        LoginFailure.username != username,
    ))
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stale = LoginFailure.last_failed_at < now - FAILURE_WINDOW
    stmt = insert(LoginFailure).values(username=username, failures=1, last_failed_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["username"],
        set_={"failures": case((stale, 1), else_=LoginFailure.failures + 1),
              "last_failed_at": now},
    ).returning(LoginFailure.failures)
    failures = int(s.execute(stmt).scalar_one())
    if failures >= MAX_FAILED_LOGINS:
        s.execute(update(LoginFailure).where(LoginFailure.username == username)
                  .values(failures=0, locked_until=now + LOCKOUT))


def issue_token(s: Session, *, kind: str, subject_id: int, ttl_hours: float) -> str:
    """Create a bearer token for a staff member or citizen; only the digest is stored."""
    token = new_token()
    now = utcnow()
    s.add(
        AuthToken(
            digest=token_digest(token),
            kind=kind,
            subject_id=subject_id,
            created_at=now,
            expires_at=now + timedelta(hours=ttl_hours),
        )
    )
    return token


def revoke_token(s: Session, *, token: str) -> None:
    """Revoke a token (logout)."""
    row = s.scalar(select(AuthToken).where(AuthToken.digest == token_digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def resolve_token(s: Session, token: str) -> Principal | None:
    """Turn a bearer token into a principal, or None when unknown, expired or revoked."""
    found = resolve_digest(s, token_digest(token))
    return found[0] if found else None


def resolve_digest(s: Session, digest: str) -> tuple[Principal, datetime | None] | None:
    """The principal of a token digest and when its token expires (device tokens: never)."""
    now = utcnow()
    row = s.scalar(select(AuthToken).where(AuthToken.digest == digest))
    if row is not None:
        if row.revoked_at is not None or row.expires_at <= now:
            return None
        if row.kind == "staff":
            staff = s.get(Staff, row.subject_id)
            if staff is None or not staff.active:
                return None
            principal = Principal("staff", staff.id, staff.role, staff.hall_id, staff.full_name,
                                  department=staff.department)
            return principal, row.expires_at
        return Principal("citizen", row.subject_id, "citizen", None), row.expires_at
    device = s.scalar(select(Device).where(Device.token_digest == digest))
    if device is None or device.revoked_at is not None:
        return None
    principal = Principal(
        "device", device.id, device.kind, device.hall_id, device.name, device.window_id
    )
    return principal, None


def create_staff(
    s: Session,
    *,
    username: str,
    password: str,
    role: str,
    hall_id: int | None,
    full_name: str = "",
    department: str = "",
) -> Staff:
    """Create a staff account with an argon2 password hash (reviewers need a department)."""
    if role not in ROLES:
        raise Invalid("角色必须是 clerk、reviewer、manager 或 admin", code=ErrorCode.INVALID_ROLE)
    if role == StaffRole.REVIEWER and not department.strip():
        raise Invalid("后台审批人员必须指定所属部门", code=ErrorCode.DEPARTMENT_REQUIRED)
    if role != StaffRole.ADMIN and hall_id is None:
        raise Invalid("窗口人员和大厅管理员必须属于一个大厅", code=ErrorCode.HALL_REQUIRED)
    if len(password) < 8:
        raise Invalid("密码至少8位", code=ErrorCode.WEAK_PASSWORD)
    if s.scalar(select(Staff.id).where(Staff.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在", code=ErrorCode.USERNAME_TAKEN)
    staff = Staff(
        username=username,
        password_hash=hash_password(password),
        role=role,
        hall_id=hall_id,
        full_name=full_name or username,
        department=department.strip(),
    )
    s.add(staff)
    s.flush()
    return staff
