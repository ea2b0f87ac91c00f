"""The API documentation works offline and says what each operation can answer; the site
root, the favicon and docs/errors.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route

from tests.conftest import ARTIFACTS
from tests.support.databases import copy_sqlite
from tests.support.live import ROOT, LiveServer
from tongban_common.wire import ErrorCode

ERROR_REF = "#/components/schemas/ErrorResponse"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("apidocs")
    srv = LiveServer(data, copy_sqlite(sqlite_template, data),
                     env={"TONGBAN_ALERT_INTERVAL_SECONDS": "0"}).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def spec(server: LiveServer) -> dict:
    return httpx.get(f"{server.url}/openapi.json", timeout=10).json()


def offline_page(browser: Browser, server: LiveServer) -> tuple[Page, list[str]]:
    """A page that may reach only the server: anything else is blocked and recorded."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def gate(route: Route, request: Request) -> None:
        if request.url.startswith(server.url + "/"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.route("**/*", gate)
    return page, outside


def test_swagger_ui_renders_every_operation_offline(browser: Browser, server: LiveServer,
                                                     spec: dict) -> None:
    page, outside = offline_page(browser, server)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/docs")
    page.locator(".opblock").first.wait_for(timeout=15000)
    operations = sum(len(item) for item in spec["paths"].values())
    assert page.locator(".opblock").count() == operations
    assert page.locator("button.authorize").count() == 1  # the bearer scheme
    page.screenshot(path=str(ARTIFACTS / "api-docs-swagger.png"))
    assert outside == [] and errors == []
    page.close()


def test_redoc_loads_its_bundle_from_the_server(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        page = c.get("/redoc").text
        assert '<script src="/docs/assets/redoc.standalone.js">' in page and "http" not in \
            page.split("<body>")[1]  # nothing from another origin (no Google fonts either)
        bundle = c.get("/docs/assets/redoc.standalone.js")
        assert bundle.status_code == 200 and "javascript" in bundle.headers["content-type"]
        assert len(bundle.content) > 500_000
        assert c.get("/docs/assets/..%2Fconfig.py").status_code == 404


def test_every_operation_documents_its_errors(spec: dict) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    envelope = spec["components"]["schemas"]["ErrorResponse"]
    assert envelope["properties"]["error"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert spec["components"]["schemas"]["ErrorBody"]["required"] == ["code", "message"]
    assert "HTTPValidationError" not in str(spec)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            responses = op["responses"]
            errors = {s for s in responses if s[0] in "45"}
            assert {"400", "503"} <= errors, (method, path)
            for status in errors - ({"503"} if path == "/readyz" else set()):
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (method, path, status)
            if "security" in op:  # a token is taken: a wrong one is 401, a wrong role 403
                assert {"401", "403"} <= errors, (method, path)
                assert not any(p["name"] == "authorization" for p in op.get("parameters", []))
            if "requestBody" in op:
                assert {"413", "422"} <= errors, (method, path)
    assert "security" in spec["paths"]["/api/v1/devices"]["post"]
    assert "security" not in spec["paths"]["/api/v1/auth/login"]["post"]
    assert "429" in spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "404" in spec["paths"]["/api/v1/halls/{hall_code}/board"]["get"]["responses"]
    assert "409" in spec["paths"]["/api/v1/windows/{window_id}/call-next"]["post"]["responses"]
    # the set-up routes say what they answer
    for path, method, status, model in (("/api/v1/devices", "post", "201", "DeviceCreated"),
                                        ("/api/v1/auth/me", "get", "200", "MeOut"),
                                        ("/api/v1/auth/login", "post", "200", "LoginOut"),
                                        ("/api/v1/staff", "post", "201", "StaffOut")):
        ok = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{model}"}, path
    assert "token" in spec["components"]["schemas"]["DeviceCreated"]["required"]
    readyz = spec["paths"]["/readyz"]["get"]["responses"]["503"]["content"]["application/json"]
    assert readyz["example"]["status"] == "unavailable"  # its own body, not the envelope


def test_documented_errors_are_what_the_server_answers(server: LiveServer, spec: dict) -> None:
    r = httpx.post(f"{server.url}/api/v1/devices", json={"hall_code": "demo", "kind": "kiosk",
                   "name": "x"}, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert r.status_code == 401 and set(r.json()["error"]) == {"code", "message"}
    assert r.json()["error"]["code"] in (ROOT / "docs" / "errors.md").read_text()


def test_errors_doc_is_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scripts import gen_errors_doc as gen

    assert gen.main(["--check"]) == 0, "docs/errors.md is stale: run scripts/gen_errors_doc.py"
    codes = gen.collect()
    assert codes["hall_not_found"].status == 404 and codes["payload_too_large"].status == 413
    assert codes["rate_limited"].status == 429 and codes["database_unavailable"].status == 503
    # every code the server raises is an ErrorCode member and every member is raised
    assert gen.enum_mismatch(codes) == (set(), set())
    assert codes[ErrorCode.HALL_NOT_FOUND].status == 404 and ErrorCode("http_error")
    # a new code in the source makes the check fail
    source = tmp_path / "server"
    (source / "core").mkdir(parents=True)
    (source / "core" / "errors.py").write_text(gen.ERRORS_MODULE.read_text())
    (source / "x.py").write_text('raise Conflict("已占用", code="brand_new_code")\n'
                                 'raise NotFound("无此窗口", code=ErrorCode.WINDOW_NOT_FOUND)\n')
    monkeypatch.setattr(gen, "SERVER", source)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    monkeypatch.setattr(gen, "ERRORS_MODULE", source / "core" / "errors.py")
    text = gen.render(gen.collect())
    assert "| `brand_new_code` | 409 | 已占用 | `server.x` |" in text
    assert "| `window_not_found` | 404 | 无此窗口 | `server.x` |" in text
    unknown, unused = gen.enum_mismatch(gen.collect())
    assert unknown == {"brand_new_code"}  # raised but not in the enum
    assert ErrorCode.SLOT_FULL in unused and ErrorCode.WINDOW_NOT_FOUND not in unused
    assert gen.main(["--check"]) == 1


def test_root_redirects_to_the_portal_and_pages_have_a_favicon(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        r = c.get("/")
        assert r.status_code == 307 and r.headers["location"] == "/portal/"
        assert c.get("/", follow_redirects=True).url.path == "/portal/"
        icon = c.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
        assert icon.content.startswith(b"<svg") and len(icon.content) < 2048
        for page in ("/portal/", "/dashboard/", "/portal/review.html", "/docs", "/redoc",
                     "/display/demo?token=demo-display-token"):
            assert '<link rel="icon" href="/favicon.ico"' in c.get(page).text.replace(
                "shortcut icon", "icon"), page
