"""Dropdowns and checkbox groups whose choices follow the data (models, benchmarks, columns).

Gradio 6.31 checks a value against the choices the server last sent: when a render narrows the
choices (a search that matches nothing leaves no models to pick), an event the browser sent just
before (a timer tick, a second keystroke) still carries the old value, and Gradio refuses it with a
traceback in the server log. `following` lets such a value through to the callback, which already
keeps only the values of the current choices (and shows the reader just those). Unlike
`allow_custom_value`, the reader still cannot type a value of their own.

The check is switched off on the instance: a subclass of a Gradio component would make Gradio
write a `.pyi` stub beside this module at import.
"""

from __future__ import annotations

from typing import Any, TypeVar

import gradio as gr

Choice = TypeVar("Choice", gr.Dropdown, gr.CheckboxGroup)


def _as_sent(payload: Any) -> Any:
    return payload


def following(component: Choice) -> Choice:
    """`component`, whose callbacks (not Gradio) drop a value that has left its choices."""
    component.preprocess = _as_sent  # type: ignore[method-assign]
    return component
