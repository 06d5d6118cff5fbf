"""Dropdowns, radios and checkbox groups whose choices follow the data (models, benchmarks, columns).

Gradio 6.31 checks a value against the choices the server last sent: when a render narrows the
choices (a search that matches nothing leaves no models to pick), an event the browser sent just
before (a timer tick, a second keystroke) still carries the old value, and Gradio refuses it with a
traceback in the server log. These components let such a value through to the callback, which
already keeps only the values of the current choices (and shows the reader just those). Unlike
`allow_custom_value`, the reader still cannot type a value of their own.

They are subclasses, not patched instances: Gradio rebuilds a component from its class on every
update. `is_template` draws them with the frontend of the component they extend. Gradio writes a
`.pyi` stub beside any module that defines a component; `following.pyi` is committed, so an import
finds it current and writes nothing.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from gradio.events import Dependency

class FollowingDropdown(gr.Dropdown):
    """A `gr.Dropdown` whose callbacks, not Gradio, drop a value that has left its choices."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return payload
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component


class FollowingCheckboxGroup(gr.CheckboxGroup):
    """A `gr.CheckboxGroup` whose callbacks, not Gradio, drop a ticked value that has left its choices."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return list(payload or [])
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component


class FollowingRadio(gr.Radio):
    """A `gr.Radio` whose callbacks, not Gradio, replace a value that has left its choices."""

    is_template = True

    def preprocess(self, payload: Any) -> Any:
        return payload
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component