"""Qt-free parts: ID number checks (against the server's rules), config, drivers, wedge."""

from __future__ import annotations

import socket
import threading
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import idnumber
from kiosk.__main__ import parse_args
from kiosk.config import DeviceSpec, KioskConfig, KioskConfigError, mask_token
from kiosk.controller import extract_booking_code
from kiosk.devices import create_device
from kiosk.devices.base import ID_CARD, QR, DeviceRead, classify
from kiosk.devices.serial_reader import SerialReader
from kiosk.devices.wedge import WedgeBuffer
from server.core.errors import Invalid
from server.core.ids import parse_id_number

TODAY = date(2026, 12, 1)


def server_accepts(value: str) -> bool:
    """The server's own verdict (tests may use server code; the kiosk may not)."""
    try:
        parse_id_number(value, today=TODAY)
    except Invalid:
        return False
    return True


id_like = st.builds(
    lambda region, year, month, day, seq, last: f"{region}{year:04d}{month:02d}{day:02d}"
                                                f"{seq:03d}{last}",
    st.sampled_from(["110105", "310101", "440305"]), st.integers(1890, 2030),
    st.integers(0, 13), st.integers(0, 32), st.integers(0, 999),
    st.sampled_from(list("0123456789X")),
)


@settings(max_examples=400, deadline=None)
@given(id_like)
def test_validator_agrees_with_the_server(value: str) -> None:
    """Complete numbers: the kiosk says valid exactly when the server would accept them."""
    assert idnumber.check_id_number(value, today=TODAY).ok == server_accepts(value)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789Xx ", min_size=18, max_size=19))
def test_validator_agrees_on_arbitrary_input(value: str) -> None:
    """Random keypad / wedge input, spaces and lower-case x included."""
    assert idnumber.check_id_number(value, today=TODAY).ok == server_accepts(value)


SCRIPTS = ["0123456789", "０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", "०१२३४५६७८९"]


# A plausible number with one character swapped for anything, digit look-alikes often.
one_odd_character = st.builds(
    lambda value, at, c: value[:at] + c + value[at + 1:], id_like, st.integers(0, 17),
    st.one_of(st.sampled_from("²³¹⁰½①⑨٣۵०９ｘⅩ𝟗"), st.characters()))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=24), one_odd_character))
def test_validator_never_raises_on_any_unicode(value: str) -> None:
    """Every key press is checked: no input (superscripts, fractions, emoji…) may raise."""
    check = idnumber.check_id_number(value, today=TODAY)
    assert check.state in (idnumber.INCOMPLETE, idnumber.VALID, idnumber.INVALID)
    assert check.ok == server_accepts(value)


@settings(max_examples=60, deadline=None)
@given(id_like, st.lists(st.sampled_from(SCRIPTS), min_size=18, max_size=18),
       st.sampled_from(["X", "x", "Ｘ", "ｘ"]))
def test_digits_of_any_script_are_the_same_number(value: str, scripts: list[str],
                                                  x: str) -> None:
    """Full-width, Arabic-Indic, Persian, Devanagari digits (mixed even) mean their ASCII digit."""
    typed = "".join(s[int(c)] if c.isdigit() else x for s, c in zip(scripts, value, strict=True))
    check = idnumber.check_id_number(typed, today=TODAY)
    assert check.value == idnumber.check_id_number(value, today=TODAY).value
    assert check.ok == server_accepts(value) == server_accepts(typed)


@pytest.mark.parametrize(("typed", "key"), [
    ("11010²", "id_err_chars"),  # superscript two: a "digit" to str.isdigit(), not a number
    ("110105194912310½", "id_err_chars"),
    ("9", "id_err_region"),  # no province code starts with 9
    ("99", "id_err_region"),
    ("10", "id_err_region"),
    ("84", "id_err_region"),
])
def test_non_decimal_digits_and_unknown_regions_are_refused_as_typed(typed: str,
                                                                     key: str) -> None:
    check = idnumber.check_id_number(typed, today=TODAY)
    assert (check.state, check.message_key) == (idnumber.INVALID, key)


def test_full_width_and_region_codes_of_hong_kong_macao_taiwan_permits() -> None:
    full_width = idnumber.make_id_number("11010519491231002").translate(
        str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    check = idnumber.check_id_number(full_width, today=TODAY)
    assert check.ok and check.value == "11010519491231002X"
    for region in ("810000", "820000", "830000", "540102", "650102"):
        assert idnumber.check_id_number(idnumber.make_id_number(f"{region}19900101001"),
                                        today=TODAY).ok, region


def test_every_prefix_of_a_valid_number_is_incomplete_not_wrong() -> None:
    """Typing a correct number never shows an error on the way."""
    value = idnumber.make_id_number("11010519491231002")
    for n in range(1, 18):
        check = idnumber.check_id_number(value[:n], today=TODAY)
        assert check.state == idnumber.INCOMPLETE, (n, check)
    assert idnumber.check_id_number(value, today=TODAY).ok


@pytest.mark.parametrize(("typed", "key"), [
    ("1101053", "id_err_birth"),      # a birth year cannot start with 3
    ("110105185", "id_err_birth"),    # 185x: before 1900
    ("1101052027", "id_err_birth"),   # birth year in the future
    ("11010519901", "id_err_birth"),  # month 1x is fine, but 2x is not:
    ("110105199023", "id_err_birth"),
    ("11010519900230", "id_err_birth"),  # 30 February
    ("11010X", "id_err_x_position"),
    ("1101051990010112345", "id_err_length"),
    ("11010519900101123A", "id_err_chars"),
])
def test_friendly_messages_as_typed(typed: str, key: str) -> None:
    """Errors show up at the first wrong character, each with its own message."""
    check = idnumber.check_id_number(typed, today=TODAY)
    if typed == "11010519901":
        assert check.state == idnumber.INCOMPLETE
        return
    assert check.state == idnumber.INVALID and check.message_key == key


def test_wrong_check_digit_message() -> None:
    """The last character is checked with GB 11643 weights."""
    good = idnumber.make_id_number("11010519900307123")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    check = idnumber.check_id_number(bad, today=TODAY)
    assert check.message_key == "id_err_check"
    assert idnumber.check_id_number(good.lower(), today=TODAY).ok
    assert idnumber.mask(good) == good[:6] + "********" + good[-4:]


@pytest.mark.parametrize(("text", "code"), [
    ("K7PQ2M", "K7PQ2M"), ("k7pq2m", "K7PQ2M"),
    ("https://tongban.example.gov.cn/b/K7PQ2M", "K7PQ2M"),
    ("https://x.gov.cn/checkin?code=AB12CD&x=1", "AB12CD"),
    ("tongban:booking_code=ZZ99QQ", "ZZ99QQ"),
    ("!!", None),
])
def test_booking_code_from_a_scan(text: str, code: str | None) -> None:
    """Booking QR payloads: the bare code, a URL ending in it, or a code= parameter."""
    assert extract_booking_code(text) == code


def test_classify_wedge_reads() -> None:
    """A wedge sends both kinds; an 18-character ID pattern is a card read."""
    assert classify("11010519491231002x") == DeviceRead(ID_CARD, "11010519491231002X")
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert classify(full_width) == DeviceRead(ID_CARD, "11010519491231002X")
    assert classify("https://a/b/K7PQ2M").source == QR


def test_wedge_buffer_tells_scanners_from_people() -> None:
    """Fast bursts ending in Enter are reads; slow typing is not."""
    now = [0.0]
    buf = WedgeBuffer(max_gap=0.05, min_length=4, clock=lambda: now[0])
    for ch in "K7PQ2M":
        buf.feed(ch)
        now[0] += 0.01
    assert buf.enter() == "K7PQ2M"
    for ch in "1234":
        buf.feed(ch)
        now[0] += 0.3  # a person
    assert buf.enter() is None
    for ch in "AB":
        buf.feed(ch)
        now[0] += 0.01
    assert buf.enter() is None  # too short to be a code


def test_config_from_yaml_env_and_flags(tmp_path: Path) -> None:
    """YAML < TONGBAN_KIOSK_* < CLI flags; printer and devices from the same file."""
    path = tmp_path / "kiosk.yaml"
    path.write_text(
        "kiosk:\n  server: http://10.0.0.5:8000\n  token: abcdef123456\n  hall: h1\n"
        "  idle_timeout: 45\n  maintenance_pin: '9999'\n"
        "  id_reader: {driver: serial, port: /dev/ttyACM0, baudrate: 115200}\n"
        "  qr_scanner: wedge\n"
        "printer:\n  kind: network\n  host: 192.168.1.50\n  paper: 58\n",
        encoding="utf-8")
    env = {"TONGBAN_KIOSK_LANG": "en", "TONGBAN_KIOSK_LARGE": "yes"}
    cfg = KioskConfig.load(path, environ=env, hall="h2", portrait=True)
    assert (cfg.server, cfg.token, cfg.hall, cfg.lang) == ("http://10.0.0.5:8000",
                                                           "abcdef123456", "h2", "en")
    assert cfg.large is True and cfg.portrait is True and cfg.idle_timeout == 45.0
    assert cfg.printer.kind == "network" and cfg.printer.paper == 58
    assert cfg.id_reader == DeviceSpec("serial", {"port": "/dev/ttyACM0", "baudrate": 115200})
    assert cfg.qr_scanner == DeviceSpec("wedge")
    assert cfg.tracking_link("tok") == "http://10.0.0.5:8000/t/tok"
    assert cfg.is_tracking_link("http://10.0.0.5:8000/t/tok")
    assert not cfg.is_tracking_link("K7PQ2M")
    assert mask_token(cfg.token) == "abcd********"
    with pytest.raises(KioskConfigError):
        KioskConfig.load(None, environ={}, lang="fr")
    with pytest.raises(KioskConfigError):
        KioskConfig.from_mapping({"colour": "red"})


def test_command_line_flags() -> None:
    """python -m kiosk flags map onto the config."""
    args = parse_args(["--server", "http://127.0.0.1:9", "--token", "t", "--portrait",
                       "--large", "--lang", "en"])
    cfg = KioskConfig.load(None, environ={}, server=args.server, token=args.token,
                           portrait=args.portrait, large=args.large, lang=args.lang)
    assert cfg.portrait and cfg.large and cfg.lang == "en" and cfg.hall == ""


def test_vendor_driver_by_dotted_path() -> None:
    """A vendor SDK driver plugs in by configuration, with its options."""
    spec = DeviceSpec("tests.kiosk.vendor_driver:VendorCardReader", {"port": "COM3"})
    dev = create_device(spec)
    reads: list[DeviceRead] = []
    dev.start(reads.append)
    dev.tap("11010519491231002X")  # type: ignore[attr-defined]
    assert reads == [DeviceRead(ID_CARD, "11010519491231002X")] and dev.port == "COM3"
    with pytest.raises(KioskConfigError, match="start"):
        create_device(DeviceSpec("tests.kiosk.vendor_driver:NotADevice"))
    with pytest.raises(KioskConfigError):
        create_device(DeviceSpec("no.such.module:Reader"))
    with pytest.raises(KioskConfigError):
        create_device(DeviceSpec("nonsense"))


def test_serial_reader_over_a_real_socket() -> None:
    """pyserial's socket:// transport stands in for a USB-CDC port: lines become reads."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    reads: list[DeviceRead] = []
    got = threading.Event()

    def collect(read: DeviceRead) -> None:
        reads.append(read)
        if len(reads) == 2:
            got.set()

    reader = SerialReader(f"socket://127.0.0.1:{port}")
    reader.start(collect)
    conn, _ = server.accept()
    try:
        conn.sendall(b"K7PQ2M\r\n11010519491231")
        conn.sendall(b"002X\n")
        assert got.wait(5)
    finally:
        reader.stop()
        conn.close()
        server.close()
    assert reads == [DeviceRead(QR, "K7PQ2M"), DeviceRead(ID_CARD, "11010519491231002X")]
