"""The Network page's editor of the learner's own points: click (or tap) to add a point of the
chosen class or to remove the nearest one, clear them all, read a CSV (pasted or uploaded;
each bad line said by its number), download them. The points live in session state as
networks.user_data's text (the page's link carries it when there are at most 300 of them)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

from networks import user_data as ud
from ui.access import chart
from viz.user_points import points_figure

MODES = ("0", "1", "2", "remove")  # add a point of class 1, 2 or 3 (labels 0, 1, 2), or remove
REMOVE_RADIUS = 0.3  # a click removes the nearest point within this distance
SHOWN_PROBLEMS = 12  # lines said one by one; the rest counted


def points_of(text: str) -> ud.Points:
    """The points the page holds (none for an empty or unreadable text)."""
    try:
        return ud.decode(text, limit=ud.MAX_ROWS) if text else ud.empty()
    except ValueError:
        return ud.empty()


def edited(points: ud.Points, click: tuple[float, float], mode: str) -> ud.Points:
    """The points after a click at ``click`` in ``mode`` (see MODES): a point added there (on
    the link's grid, unless there are MAX_ROWS already), or the nearest within REMOVE_RADIUS
    removed (none: unchanged)."""
    X, y = points.X, points.y
    if mode == "remove":
        if not len(y):
            return points
        distance = np.hypot(*(X - np.asarray(click)).T)
        nearest = int(np.argmin(distance))
        if distance[nearest] > REMOVE_RADIUS:
            return points
        keep = np.arange(len(y)) != nearest
        return ud.Points(X[keep], y[keep])
    if len(y) >= ud.MAX_ROWS:
        return points
    point = ud.quantize(np.clip(np.asarray([click], dtype=np.float64), -ud.BOX, ud.BOX))
    return ud.Points(np.concatenate([X, point]), np.append(y, int(mode)).astype(np.int64))


def text_of(points: ud.Points) -> str:
    return ud.encode(points.X, points.y, limit=ud.MAX_ROWS)


def problem_lines(problems, say: Callable[..., str]) -> list[str]:
    """What the page says of the CSV's lines left out: one line each, then how many more."""
    lines = [say(f"nw.own.bad.{p.reason}", line=p.line, text=p.text) for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(say("nw.own.bad.more", count=len(problems) - SHOWN_PROBLEMS))
    return lines


def editor(key: str, say: Callable[..., str], words: dict[str, str]) -> ud.Points:
    """Draw the editor for the points under session-state ``key``; returns them."""
    state = st.session_state
    state.setdefault(key, "")
    chart_key, mode_key = key + ".chart", key + ".mode"

    def on_click() -> None:
        picked = (state.get(chart_key) or {}).get("selection", {}).get("points", [])
        if picked:
            click = (float(picked[0]["x"]), float(picked[0]["y"]))
            state[key] = text_of(edited(points_of(state[key]), click, state.get(mode_key, "0")))

    points = points_of(state[key])
    st.markdown(f"**{say('nw.own.title')}**")
    st.caption(say("nw.own.help", min=ud.MIN_POINTS, most=ud.MAX_ROWS))
    st.segmented_control(
        say("nw.own.mode"),
        MODES,
        key=mode_key,
        default="0",
        format_func=lambda m: say("nw.own.remove") if m == "remove" else say("nw.own.class", k=int(m) + 1),
    )
    chart(
        points_figure(points.X, points.y, words=words),
        key=chart_key,
        name=say("nw.own.title"),
        summary=say(
            "nw.own.count",
            n=len(points.y),
            counts=", ".join(str(int((points.y == c).sum())) for c in range(3)),
        ),
        on_select=on_click,
        selection_mode="points",
        config={"displaylogo": False, "scrollZoom": False, "displayModeBar": False},
    )
    left, right = st.columns(2)
    if left.button(say("nw.own.clear"), key=key + ".clear", disabled=not len(points.y)):
        state[key] = ""
        st.rerun()
    right.download_button(
        say("nw.own.download"),
        ud.to_csv(points.X, points.y),
        file_name="points.csv",
        mime="text/csv",
        key=key + ".download",
        disabled=not len(points.y),
    )
    if len(points.y) > ud.URL_MAX_POINTS:
        st.warning(say("nw.own.nolink", most=ud.URL_MAX_POINTS))
    with st.expander(say("nw.own.csv")):
        st.caption(say("nw.own.csv.help", most=ud.MAX_ROWS, box=ud.BOX, step=ud.STEP))
        upload = st.file_uploader(say("nw.own.upload"), type=["csv", "txt"], key=key + ".upload")
        pasted = st.text_area(say("nw.own.paste"), key=key + ".paste", height=120)
        if st.button(say("nw.own.read"), key=key + ".read"):
            raw = (
                upload.getvalue()[: 4 * ud.MAX_TEXT].decode("utf-8", "replace")
                if upload is not None
                else pasted
            )
            read = ud.parse_csv(raw)
            state[key] = text_of(ud.Points(ud.quantize(read.X), read.y))
            state[key + ".problems"] = (len(read.y), read.problems)
            st.rerun()
        if key + ".problems" in state:
            kept, problems = state[key + ".problems"]
            (st.warning if problems else st.success)(say("nw.own.read.kept", kept=kept, left=len(problems)))
            for line in problem_lines(problems, say):
                st.caption(line)
    return points
