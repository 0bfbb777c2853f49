"""Review widget for JupyterLab: read a segment in context, accept or reject suggestions, add codes, memos.

    from evidence.widgets import ReviewWidget
    ReviewWidget(project, coder="Ana", order="uncertainty")      # last line of a notebook cell

Shows one segment at a time with its speaker, role and the turns around it, the machine's
suggested codes with confidence and reason (accept / reject), the coder's own codes (remove), a
code picker to add a code, a memo box, and next / previous in source order or by uncertainty.
Every decision is written to the project store at once, so nothing is lost if the kernel dies.
Blind by default: other people's codings are never shown (blind double coding).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pandas as pd

from evidence.coding import human
from evidence.core.model import UNIT_KINDS

if TYPE_CHECKING:
    from evidence.project import Project

ORDERS = ("in order", "uncertainty")


class ReviewWidget:
    """An ipywidgets review panel over a project's unit segments (see module docstring).

    ``order``: "in order" (source order) or "uncertainty" (segments whose suggestions sit nearest
    50% first, or by ``model.uncertainty`` when a fitted ClassifierCoder is given).
    """

    def __init__(self, project: Project, coder: str, *, order: str = "in order", kinds: list[str] | None = None,
                 blind: bool = True, context: int = 2, model: Any = None) -> None:
        import ipywidgets as w

        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}")
        self.project = project
        self.blind = blind
        self.context = context
        self.model = model
        self.segments = project.segments(kinds or list(UNIT_KINDS))
        self.segments = self.segments[self.segments["text"].str.strip() != ""].reset_index(drop=True)
        codes = project.codes()
        self.code_names = dict(zip(codes["id"], codes["name"]))
        self.position = 0

        self.coder_box = w.Text(value=coder, description="Coder", layout=w.Layout(width="260px"))
        self.order_buttons = w.ToggleButtons(options=list(ORDERS), value=order, description="Next by")
        self.header = w.HTML()
        self.text = w.HTML()
        self.suggestion_box = w.VBox()
        self.own_box = w.VBox()
        self.code_picker = w.Dropdown(options=[(f"{n} ({c})", c) for c, n in self.code_names.items()],
                                      description="Code", layout=w.Layout(width="420px"))
        self.add_button = w.Button(description="Add code", button_style="primary")
        self.memo = w.Textarea(placeholder="Memo about this segment", layout=w.Layout(width="520px"))
        self.memo_button = w.Button(description="Save memo")
        self.previous_button = w.Button(description="◀ Previous")
        self.next_button = w.Button(description="Next ▶")
        self.status = w.HTML()
        self.accept_buttons: list[Any] = []
        self.reject_buttons: list[Any] = []
        self.remove_buttons: list[Any] = []

        self.add_button.on_click(lambda _: self.add_code(self.code_picker.value))
        self.memo_button.on_click(lambda _: self.save_memo(self.memo.value))
        self.next_button.on_click(lambda _: self.next())
        self.previous_button.on_click(lambda _: self.previous())
        self.order_buttons.observe(lambda _: self._reorder(), names="value")
        self.coder_box.observe(lambda _: self.render(), names="value")

        self.widget = w.VBox([
            w.HBox([self.coder_box, self.order_buttons]), self.header, self.text,
            w.HTML("<b>Suggested codes</b>"), self.suggestion_box,
            w.HTML("<b>Your codes</b>"), self.own_box,
            w.HBox([self.code_picker, self.add_button]), w.HBox([self.memo, self.memo_button]),
            w.HBox([self.previous_button, self.next_button]), self.status,
        ])
        self._reorder()

    # -- what is shown ----------------------------------------------------------------------------
    @property
    def coder(self) -> str:
        return self.coder_box.value.strip()

    @property
    def segment(self) -> pd.Series:
        return self.segments.iloc[self.queue[self.position]]

    def _reorder(self) -> None:
        self.queue = list(range(len(self.segments)))
        if self.order_buttons.value == "uncertainty" and len(self.segments):
            self.queue = list(self.uncertainty().sort_values(ascending=False, kind="stable").index)
        self.position = 0
        self.render()

    def uncertainty(self) -> pd.Series:
        """Uncertainty per segment row: from the model if given, else from stored suggestions."""
        if self.model is not None:
            return pd.Series(self.model.uncertainty(self.segments["text"].tolist()), index=self.segments.index)
        suggested = self.project.codings(status="suggested")
        closeness = 1 - (suggested["confidence"].astype(float) - 0.5).abs() * 2
        per_segment = closeness.groupby(suggested["segment"]).max()
        return self.segments["id"].map(per_segment).fillna(-1.0).set_axis(self.segments.index)

    def visible_codings(self) -> pd.DataFrame:
        """This segment's codings the coder may see (blind: never another person's)."""
        return human.coder_view(self.project, self.coder, blind=self.blind, segments=[self.segment["id"]])

    def render(self) -> None:
        import ipywidgets as w

        if not len(self.segments):
            self.header.value = "<i>No segments to review: ingest sources first.</i>"
            return
        seg = self.segment
        who = " · ".join(html.escape(str(x)) for x in (seg["speaker"], seg["role"], seg["wave"]) if x)
        self.header.value = (f"<b>{self.position + 1} / {len(self.queue)}</b> · {html.escape(seg['source'])}"
                             f" · <code>{html.escape(seg['id'])}</code> · {who}")
        self.text.value = self._context_html(seg)
        codings = self.visible_codings()
        suggestions = codings[codings["status"] == "suggested"].sort_values("confidence", ascending=False)
        self.accept_buttons, self.reject_buttons, rows = [], [], []
        for row in suggestions.itertuples(index=False):
            accept = w.Button(description="Accept", button_style="success", layout=w.Layout(width="80px"))
            reject = w.Button(description="Reject", button_style="danger", layout=w.Layout(width="80px"))
            accept.on_click(lambda _, cid=int(row.id): self.accept(cid))
            reject.on_click(lambda _, cid=int(row.id): self.reject(cid))
            self.accept_buttons.append(accept)
            self.reject_buttons.append(reject)
            confidence = "" if pd.isna(row.confidence) else f"{float(row.confidence):.2f}"
            label = w.HTML(f"<b>{html.escape(self.code_names.get(row.code, row.code))}</b> "
                           f"<small>{confidence} · {html.escape(row.origin)} · {html.escape(row.explanation)}</small>")
            rows.append(w.HBox([accept, reject, label]))
        self.suggestion_box.children = rows or [w.HTML("<i>none</i>")]
        own = codings[(codings["coder"] == self.coder) & (codings["origin"] == "human")]
        self.remove_buttons, rows = [], []
        for row in own.itertuples(index=False):
            remove = w.Button(description="Remove", layout=w.Layout(width="80px"))
            remove.on_click(lambda _, cid=int(row.id): self.remove(cid))
            self.remove_buttons.append(remove)
            rows.append(w.HBox([remove, w.HTML(html.escape(self.code_names.get(row.code, row.code)))]))
        self.own_box.children = rows or [w.HTML("<i>none yet</i>")]
        self.memo.value = ""

    def _context_html(self, seg: pd.Series) -> str:
        same = self.segments[(self.segments["source"] == seg["source"]) & (self.segments["kind"] == seg["kind"])]
        same = same.sort_values("order")
        k = list(same["id"]).index(seg["id"])
        parts = []
        for _, other in same.iloc[max(0, k - self.context):k + self.context + 1].iterrows():
            speaker = f"<b>{html.escape(other['speaker'])}</b> ({html.escape(other['role'])}): " if other["speaker"] else ""
            body = html.escape(other["text"]).replace("\n", "<br>")
            style = "font-size:1.1em;border-left:4px solid #0072B2;padding-left:6px" if other["id"] == seg["id"] else "color:#666"
            parts.append(f"<p style='{style}'>{speaker}{body}</p>")
        return "".join(parts)

    # -- decisions (each written to the store at once) ----------------------------------------
    def _need_coder(self) -> bool:
        if not self.coder:
            self.status.value = "<span style='color:#D55E00'>Type your name in Coder first.</span>"
            return False
        return True

    def accept(self, coding_id: int) -> None:
        if self._need_coder():
            human.accept_suggestion(self.project, coding_id, self.coder)
            self._done(f"accepted suggestion #{coding_id}")

    def reject(self, coding_id: int) -> None:
        if self._need_coder():
            human.reject_suggestion(self.project, coding_id, self.coder)
            self._done(f"rejected suggestion #{coding_id}")

    def add_code(self, code: str) -> None:
        if self._need_coder() and code:
            human.code_segment(self.project, self.segment["id"], code, self.coder)
            self._done(f"coded {self.segment['id']} as {self.code_names.get(code, code)}")

    def remove(self, coding_id: int) -> None:
        if self._need_coder():
            human.remove_coding(self.project, coding_id, coder=self.coder)
            self._done(f"removed coding #{coding_id}")

    def save_memo(self, text: str) -> None:
        if self._need_coder() and text.strip():
            human.add_memo(self.project, text, author=self.coder, segment=self.segment["id"])
            self._done("memo saved")

    def _done(self, message: str) -> None:
        self.render()
        self.status.value = f"<span style='color:#009E73'>Saved: {html.escape(message)}</span>"

    def next(self) -> None:
        self.position = min(self.position + 1, len(self.queue) - 1)
        self.render()

    def previous(self) -> None:
        self.position = max(self.position - 1, 0)
        self.render()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
