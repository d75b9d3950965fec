"""Configuration keys, their defaults, and how they become the use cases' settings.

Every key is read with ``app.config.setdefault``: the host's value wins, then the value
given to ``Counteroffer(**options)``, then an environment variable of the same name
(JSON if it parses, else text, as Flask's ``from_prefixed_env`` reads it), then the
default below. Where the database setting came from is kept, so the CLI can say which
database it migrates. See docs/configuration.md.
"""
from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Config

from ...negotiation import ServiceLevel, ServiceLevels
from ...negotiation.buying.limits import Guards
from ...rules import Policy, is_known_currency
from ..input_guard import InputLimits
from .ratelimit import RateLimits

__all__ = ["DEFAULTS", "Settings", "read_settings"]

#: Config key -> default. ``None`` for the database means SQLite in the instance folder,
#: for Redis an embedded server the plugin starts itself.
DEFAULTS: dict[str, Any] = {
    "COUNTEROFFER_DATABASE_URL": None,
    "COUNTEROFFER_ENGINE_OPTIONS": {},
    #: False: read the live rule version on every price request instead of listening for
    #: PostgreSQL's notifications (behind a transaction-pooling PgBouncer, where LISTEN
    #: does not work; docs/scaling.md).
    "COUNTEROFFER_RULE_NOTICES": True,
    "COUNTEROFFER_REDIS_URL": None,
    "COUNTEROFFER_URL_PREFIX": "/negotiate",
    "COUNTEROFFER_OFFER_VALIDITY_HOURS": 48,
    "COUNTEROFFER_DEAL_VALIDITY_HOURS": 168,
    "COUNTEROFFER_CURRENCY": "USD",
    "COUNTEROFFER_MAX_ROUNDS": 3,
    "COUNTEROFFER_DECLINE_BELOW_FLOOR_PCT": "10",
    "COUNTEROFFER_QUEUE": "counteroffer",
    "COUNTEROFFER_CACHE_SECONDS": 5,
    "COUNTEROFFER_REMIND_AFTER_HOURS": 4,
    "COUNTEROFFER_ESCALATE_AFTER_HOURS": 24,
    #: {"segment": {"remind_after_hours": 1, "escalate_after_hours": 4}}
    "COUNTEROFFER_SERVICE_LEVELS": {},
    #: Keyword arguments of ``SmtpMailer`` ({"host", "port", "sender", ...}); None: no e-mail
    #: unless the host registers a mailer with ``use_mailer``.
    "COUNTEROFFER_SMTP": None,
    "COUNTEROFFER_WEBHOOK_URL": None,
    "COUNTEROFFER_WEBHOOK_SECRET": None,
    #: True lets webhooks reach loopback and private addresses (tests, a receiver on the
    #: shop's own network); otherwise such targets are refused (docs/security.md).
    "COUNTEROFFER_WEBHOOK_ALLOW_PRIVATE": False,
    "COUNTEROFFER_RETRY_SECONDS": [10, 60, 300, 900],
    "COUNTEROFFER_REPUBLISH_AFTER_SECONDS": 1800,
    #: Price requests one company may open per SKU within the window (0: no cap).
    "COUNTEROFFER_REQUEST_CAP": 20,
    "COUNTEROFFER_REQUEST_CAP_HOURS": 24,
    #: Price-only counters stop above the floor by up to this % of the price (0: never).
    "COUNTEROFFER_CONCESSION_JITTER_PCT": "3",
    #: The band, in % of list price, of the secret margin above each floor where the
    #: engine's own answers stop (the guard price): (low, high), or "low,high".
    "COUNTEROFFER_FLOOR_GUARD_PCT": ("1", "5"),
    #: A term bundle is offered below the buyer's target by this % of what the terms are
    #: worth to the seller, so the buyer gains by giving them (0: at the target).
    "COUNTEROFFER_TERMS_BUYER_SHARE_PCT": "25",
    "COUNTEROFFER_MAX_VOLUME_FACTOR": 10,
    #: Keys the jitter and the guard price; None: the app's SECRET_KEY, else one kept in
    #: the instance folder (set one shared secret when processes run on several machines).
    "COUNTEROFFER_PRICING_SECRET": None,
    #: API calls per user and per company within the window; 0 switches one off.
    "COUNTEROFFER_RATE_LIMIT_PER_USER": 120,
    "COUNTEROFFER_RATE_LIMIT_PER_COMPANY": 600,
    "COUNTEROFFER_RATE_LIMIT_WINDOW_SECONDS": 60,
    #: Bodies above this many bytes are a 413, unread (docs/security.md); the routes that
    #: take bulk data (simulations, CSV imports) have the upload limit instead.
    "COUNTEROFFER_MAX_BODY_BYTES": 1024 * 1024,
    "COUNTEROFFER_MAX_UPLOAD_BYTES": 32 * 1024 * 1024,
    #: JSON bodies nested deeper than this are a 422 (the deepest the API takes is 4).
    "COUNTEROFFER_MAX_JSON_DEPTH": 20,
    #: Days a buyer's cited document (a competitor's quote) is kept after its negotiation
    #: closed; then the file is deleted and the citation stays (docs/competing-offers.md).
    #: A year: the deal's next renewal and a year's results may still want the evidence,
    #: and a competitor's quote older than that says little about prices now.
    "COUNTEROFFER_DOCUMENT_RETENTION_DAYS": 365,
    #: The seller's name printed on quote documents (None: the document leaves it out).
    "COUNTEROFFER_SELLER_NAME": None,
    #: The shop's origin, e.g. "https://shop.example", for links in e-mails (None: paths only).
    "COUNTEROFFER_SHOP_URL": None,
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    engine_options: dict[str, Any]
    redis_url: str | None
    embedded_redis_path: str
    url_prefix: str
    currency: str
    queue_name: str
    policy: Policy
    deal_validity: timedelta
    cache_seconds: float
    service_levels: ServiceLevels = field(default_factory=ServiceLevels)
    smtp: dict[str, Any] | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_allow_private: bool = False
    retry_seconds: tuple[int, ...] = (10, 60, 300, 900)
    #: The shop's origin for links in e-mails ("" when not set: paths only).
    shop_url: str = ""
    republish_after: timedelta = timedelta(minutes=30)
    guards: Guards = field(default_factory=Guards)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    input_limits: InputLimits = field(default_factory=InputLimits)
    #: Where COUNTEROFFER_DATABASE_URL came from: "config", "option", "environment" or "default".
    database_source: str = "default"
    rule_notices: bool = True
    #: How long a cited document is kept after its negotiation closed.
    document_retention: timedelta = timedelta(days=365)


def _apply_defaults(config: Config, options: dict[str, Any]) -> dict[str, str]:
    """Fill in every key the host left out; returns where each value came from."""
    unknown = set(options) - {k.removeprefix("COUNTEROFFER_").lower() for k in DEFAULTS}
    if unknown:
        raise TypeError(f"unknown Counteroffer option(s): {', '.join(sorted(unknown))}")
    sources = {}
    for key, default in DEFAULTS.items():
        option = key.removeprefix("COUNTEROFFER_").lower()
        if key in config:
            sources[key] = "config"
        elif option in options:
            config[key], sources[key] = options[option], "option"
        elif os.environ.get(key, "") != "":
            config[key], sources[key] = _from_environment(os.environ[key]), "environment"
        else:
            config[key], sources[key] = default, "default"
    return sources


def _from_environment(text: str) -> Any:
    """As Flask's ``from_prefixed_env``: JSON when it parses (numbers, lists, objects,
    true/false), else the text itself (a URL)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _positive_int(config: Config, key: str) -> int:
    value = int(config[key])
    if value < 1:
        raise ValueError(f"{key} must be at least 1, got {value}")
    return value


def _instance_sqlite(instance_path: str) -> str:
    os.makedirs(instance_path, exist_ok=True)  # Flask does not create the instance folder
    return "sqlite:///" + os.path.join(instance_path, "counteroffer.sqlite3")


def read_settings(config: Config, options: dict[str, Any], instance_path: str) -> Settings:
    sources = _apply_defaults(config, options)
    currency = str(config["COUNTEROFFER_CURRENCY"]).upper()
    if not is_known_currency(currency):
        raise ValueError(f"COUNTEROFFER_CURRENCY {currency!r} is not a currency we know")
    database_url = config["COUNTEROFFER_DATABASE_URL"] or _instance_sqlite(instance_path)
    database_source = sources["COUNTEROFFER_DATABASE_URL"] if config["COUNTEROFFER_DATABASE_URL"] else "default"
    return Settings(
        database_url=database_url,
        database_source=database_source,
        engine_options=dict(config["COUNTEROFFER_ENGINE_OPTIONS"]),
        rule_notices=_flag(config["COUNTEROFFER_RULE_NOTICES"]),
        redis_url=config["COUNTEROFFER_REDIS_URL"] or None,
        embedded_redis_path=os.path.join(instance_path, "counteroffer-redis.db"),
        url_prefix="/" + str(config["COUNTEROFFER_URL_PREFIX"]).strip("/"),
        currency=currency,
        queue_name=str(config["COUNTEROFFER_QUEUE"]),
        policy=Policy(
            offer_validity_hours=_positive_int(config, "COUNTEROFFER_OFFER_VALIDITY_HOURS"),
            max_rounds=_positive_int(config, "COUNTEROFFER_MAX_ROUNDS"),
            decline_below_floor_pct=Decimal(str(config["COUNTEROFFER_DECLINE_BELOW_FLOOR_PCT"])),
            concession_jitter_pct=_percent(config, "COUNTEROFFER_CONCESSION_JITTER_PCT"),
            floor_guard_pct=_guard_band(config["COUNTEROFFER_FLOOR_GUARD_PCT"]),
            terms_buyer_share_pct=_percent(config, "COUNTEROFFER_TERMS_BUYER_SHARE_PCT"),
            max_volume_factor=_positive_int(config, "COUNTEROFFER_MAX_VOLUME_FACTOR")),
        deal_validity=timedelta(hours=_positive_int(config, "COUNTEROFFER_DEAL_VALIDITY_HOURS")),
        document_retention=timedelta(days=_positive_int(config, "COUNTEROFFER_DOCUMENT_RETENTION_DAYS")),
        cache_seconds=max(0.0, float(config["COUNTEROFFER_CACHE_SECONDS"])),
        service_levels=_service_levels(config),
        smtp=dict(config["COUNTEROFFER_SMTP"]) if config["COUNTEROFFER_SMTP"] else None,
        webhook_url=config["COUNTEROFFER_WEBHOOK_URL"] or None,
        webhook_secret=config["COUNTEROFFER_WEBHOOK_SECRET"] or None,
        webhook_allow_private=_flag(config["COUNTEROFFER_WEBHOOK_ALLOW_PRIVATE"]),
        retry_seconds=_retry_seconds(config["COUNTEROFFER_RETRY_SECONDS"]),
        republish_after=timedelta(seconds=_positive_int(config, "COUNTEROFFER_REPUBLISH_AFTER_SECONDS")),
        guards=_guards(config, instance_path),
        shop_url=str(config["COUNTEROFFER_SHOP_URL"] or "").rstrip("/"),
        rate_limits=_rate_limits(config),
        input_limits=InputLimits(max_body_bytes=_positive_int(config, "COUNTEROFFER_MAX_BODY_BYTES"),
                                 max_upload_bytes=_positive_int(config, "COUNTEROFFER_MAX_UPLOAD_BYTES"),
                                 max_json_depth=_positive_int(config, "COUNTEROFFER_MAX_JSON_DEPTH")),
    )


def _not_negative_int(config: Config, key: str) -> int:
    value = int(config[key])
    if value < 0:
        raise ValueError(f"{key} must not be negative, got {value}")
    return value


def _percent(config: Config, key: str) -> Decimal:
    value = Decimal(str(config[key]))
    if not Decimal(0) <= value <= Decimal(100):
        raise ValueError(f"{key} must be a percentage from 0 to 100, got {config[key]!r}")
    return value


def _guard_band(value: Any) -> tuple[Decimal, Decimal]:
    key = "COUNTEROFFER_FLOOR_GUARD_PCT"
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        low, high = (Decimal(str(part).strip()) for part in parts)
    except (ValueError, ArithmeticError) as error:
        raise ValueError(f"{key} must be two percentages (low, high), got {value!r}") from error
    if not Decimal(0) <= low <= high <= Decimal(50):
        raise ValueError(f"{key} must be 0 <= low <= high <= 50, got {value!r}")
    return low, high


def _pricing_secret(config: Config, instance_path: str) -> bytes:
    secret = config["COUNTEROFFER_PRICING_SECRET"] or config.get("SECRET_KEY")
    if not secret:
        # Not one per process: a guard price drawn anew in each process would let a buyer
        # take the lowest of several. Kept beside the SQLite default, in the instance folder.
        return _instance_secret(os.path.join(instance_path, "counteroffer-pricing-secret"))
    return secret if isinstance(secret, bytes) else str(secret).encode()


def _instance_secret(path: str) -> bytes:
    if not os.path.exists(path):
        # Written whole under another name, then linked: of two processes starting at
        # once, one link wins and both read a complete secret.
        os.makedirs(os.path.dirname(path), exist_ok=True)
        draft = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path, encoding="ascii") as file:
        return file.read().strip().encode()


def _guards(config: Config, instance_path: str) -> Guards:
    return Guards(request_cap=_not_negative_int(config, "COUNTEROFFER_REQUEST_CAP"),
                  request_window=_hours(config["COUNTEROFFER_REQUEST_CAP_HOURS"],
                                        "COUNTEROFFER_REQUEST_CAP_HOURS"),
                  pricing_secret=_pricing_secret(config, instance_path))


def _rate_limits(config: Config) -> RateLimits:
    return RateLimits(per_user=_not_negative_int(config, "COUNTEROFFER_RATE_LIMIT_PER_USER"),
                      per_company=_not_negative_int(config, "COUNTEROFFER_RATE_LIMIT_PER_COMPANY"),
                      window_seconds=_positive_int(config, "COUNTEROFFER_RATE_LIMIT_WINDOW_SECONDS"))


def _hours(value: Any, key: str) -> timedelta:
    hours = float(value)
    if not hours > 0:
        raise ValueError(f"{key} must be more than 0 hours, got {value!r}")
    return timedelta(hours=hours)


def _service_levels(config: Config) -> ServiceLevels:
    remind, escalate = config["COUNTEROFFER_REMIND_AFTER_HOURS"], config["COUNTEROFFER_ESCALATE_AFTER_HOURS"]
    default = ServiceLevel(_hours(remind, "COUNTEROFFER_REMIND_AFTER_HOURS"),
                           _hours(escalate, "COUNTEROFFER_ESCALATE_AFTER_HOURS"))
    segments: Mapping[str, Mapping[str, Any]] = config["COUNTEROFFER_SERVICE_LEVELS"] or {}
    by_segment = {}
    for segment, level in segments.items():
        unknown = set(level) - {"remind_after_hours", "escalate_after_hours"}
        if unknown:
            raise ValueError(f"COUNTEROFFER_SERVICE_LEVELS[{segment!r}]: unknown key(s) {sorted(unknown)}")
        by_segment[segment] = ServiceLevel(
            _hours(level.get("remind_after_hours", remind), f"{segment} remind_after_hours"),
            _hours(level.get("escalate_after_hours", escalate), f"{segment} escalate_after_hours"))
    return ServiceLevels(default=default, by_segment=by_segment)


def _flag(value: Any) -> bool:
    """A boolean from Python or from the environment's text ("1", "true", "yes", "on")."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _retry_seconds(value: Any) -> tuple[int, ...]:
    intervals = tuple(int(seconds) for seconds in value)
    if any(seconds < 0 for seconds in intervals):
        raise ValueError(f"COUNTEROFFER_RETRY_SECONDS must not be negative, got {value!r}")
    return intervals
