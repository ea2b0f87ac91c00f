"""Citizen login by phone + one-time code, with expiry, attempt and rate limits."""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.auth.service import issue_token
from server.citizens.models import Citizen, OtpCode
from server.citizens.notify import notify
from server.core.clock import utcnow
from server.core.config import Settings
from server.core.errors import DomainError, Invalid, NotFound, TooManyRequests, Unauthorized
from tongban_common.wire import ErrorCode

PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    """A mainland mobile number (11 digits, +86 and separators removed), or 422."""
    phone = re.sub(r"[\s-]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE.match(phone):
        raise Invalid("请输入11位中国大陆手机号码", code=ErrorCode.INVALID_PHONE)
    return phone


def mask_phone(phone: str) -> str:
    """138****0000 style."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def _code_hash(phone: str, code: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"{phone}:{code}".encode(), "sha256").hexdigest()


def request_otp(
    s: Session, *, phone: str, client: str, settings: Settings, now: datetime | None = None
) -> dict:
    """Create a 6-digit code, send it through the outbox; rate-limited per phone and client."""
    now = now or utcnow()
    phone = normalize_phone(phone)
    last = s.scalar(select(OtpCode).where(OtpCode.phone == phone)
                    .order_by(OtpCode.created_at.desc()).limit(1))
    if last is not None:
        wait = settings.otp_resend_seconds - (now - last.created_at).total_seconds()
        if wait > 0:
            raise TooManyRequests(f"验证码已发送，请 {int(wait) + 1} 秒后再试",
                                  code=ErrorCode.OTP_TOO_SOON)
    hour_ago = now - timedelta(hours=1)
    per_phone = s.scalar(select(func.count()).select_from(OtpCode).where(
        OtpCode.phone == phone, OtpCode.created_at > hour_ago))
    if per_phone >= settings.otp_per_phone_per_hour:
        raise TooManyRequests("该手机号获取验证码过于频繁，请1小时后再试",
                              code=ErrorCode.OTP_PHONE_LIMIT)
    per_client = s.scalar(select(func.count()).select_from(OtpCode).where(
        OtpCode.client == client, OtpCode.created_at > hour_ago))
    if per_client >= settings.otp_per_ip_per_hour:
        raise TooManyRequests("请求过于频繁，请稍后再试", code=ErrorCode.OTP_CLIENT_LIMIT)
    code = f"{secrets.randbelow(1_000_000):06d}"
    s.add(OtpCode(phone=phone, code_hash=_code_hash(phone, code, settings.secret_key),
                  client=client[:64], created_at=now,
                  expires_at=now + timedelta(seconds=settings.otp_ttl_seconds)))
    minutes = max(1, settings.otp_ttl_seconds // 60)
    notify(s, settings=settings, recipient=phone, kind="otp", data={"code": code},
           body=f"【通办】您的登录验证码为 {code}，{minutes}分钟内有效。请勿告诉他人。")
    return {"sent": True, "phone_masked": mask_phone(phone),
            "expires_in": settings.otp_ttl_seconds, "resend_after": settings.otp_resend_seconds}


def login_with_otp(
    s: Session, *, phone: str, code: str, settings: Settings, now: datetime | None = None
) -> tuple[dict | None, DomainError | None]:
    """Check the latest code; returns (token info, None) or (None, error) so that the
    attempt counter commits even when the code is wrong."""
    now = now or utcnow()
    phone = normalize_phone(phone)
    otp = s.scalar(select(OtpCode).where(OtpCode.phone == phone, OtpCode.used_at.is_(None))
                   .order_by(OtpCode.created_at.desc()).limit(1).with_for_update())
    if otp is None:
        return None, NotFound("请先获取验证码", code=ErrorCode.OTP_NOT_REQUESTED)
    if otp.expires_at <= now:
        return None, Unauthorized("验证码已过期，请重新获取", code=ErrorCode.OTP_EXPIRED)
    if otp.attempts >= settings.otp_max_attempts:
        return None, TooManyRequests("验证码错误次数过多，请重新获取", code=ErrorCode.OTP_ATTEMPTS)
    expected = _code_hash(phone, (code or "").strip(), settings.secret_key)
    if not hmac.compare_digest(expected, otp.code_hash):
        otp.attempts += 1
        left = settings.otp_max_attempts - otp.attempts
        if left <= 0:
            return None, TooManyRequests("验证码错误次数过多，请重新获取",
                                         code=ErrorCode.OTP_ATTEMPTS)
        return None, Unauthorized(f"验证码错误，还可尝试 {left} 次", code=ErrorCode.OTP_WRONG)
    otp.used_at = now
    citizen = s.scalar(select(Citizen).where(Citizen.phone == phone))
    if citizen is None:
        citizen = Citizen(phone=phone, created_at=now)
        s.add(citizen)
        s.flush()
    citizen.last_login_at = now
    token = issue_token(s, kind="citizen", subject_id=citizen.id,
                        ttl_hours=settings.citizen_token_ttl_hours)
    return {"access_token": token, "token_type": "bearer", "role": "citizen",
            "citizen_id": citizen.id, "phone_masked": mask_phone(phone),
            "expires_in": int(settings.citizen_token_ttl_hours * 3600)}, None


def get_citizen(s: Session, citizen_id: int) -> Citizen:
    """The citizen account, or 401 when it vanished."""
    citizen = s.get(Citizen, citizen_id)
    if citizen is None:
        raise Unauthorized("请重新登录", code=ErrorCode.INVALID_TOKEN)
    return citizen
