"""Tables and charts converted once per shared render, not once per session that receives them.

Gradio handles an output for every session it answers: it converts a table (a pandas Styler) into
cells, a plotly figure into JSON, then walks the converted value three times looking for files to
serve (twice `async_move_files_to_cache`, once `add_root_url`), a few microseconds per cell. For
fifty readers of one render (`render_shared`) that was fifty conversions and 150 walks of a
300 KB table: most of the app's time under load.

`prepare_outputs` (called by `render_shared`) converts each big value once, inside the shared
render, into the JSON the page receives, held as an `orjson.Fragment`: to Gradio's walks one opaque
leaf, and the queue's `orjson.dumps` writes its bytes as they are. The components that show such
values are `Dataframe` and `Plot` below, whose `postprocess` lets a prepared value through; given
anything else they convert it as Gradio does. `is_template` draws them with the frontend of the
component they extend (as pages/following.py). Gradio writes a `.pyi` stub beside any module that
defines a component; `prepared.pyi` is committed, so an import finds it current and writes nothing.
"""

from __future__ import annotations

from typing import Any, Sequence

import gradio as gr
import orjson
from gradio.blocks import Block

from gradio.events import Dependency

class Dataframe(gr.Dataframe):
    """A `gr.Dataframe` that takes a value `prepare_outputs` converted already."""

    is_template = True

    def postprocess(self, value: Any) -> Any:
        return value if isinstance(value, orjson.Fragment) else super().postprocess(value)
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component


class Plot(gr.Plot):
    """A `gr.Plot` that takes a value `prepare_outputs` converted already."""

    is_template = True

    def postprocess(self, value: Any) -> Any:
        return value if isinstance(value, orjson.Fragment) else super().postprocess(value)
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component


PREPARED = (Dataframe, Plot)


def converted(component: gr.components.Component, value: Any) -> Any:
    """`value` as `component` would send it, serialized once: an `orjson.Fragment`, or the value
    itself where there is nothing to convert (None, a value prepared already)."""
    if value is None or isinstance(value, orjson.Fragment):
        return value
    data = component.postprocess(value)
    data = data.model_dump() if hasattr(data, "model_dump") else data
    return orjson.Fragment(orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY))


def prepared_output(component: Any, output: Any) -> Any:
    """One output of a render with its value converted, if `component` is one that takes it."""
    if not isinstance(component, PREPARED):
        return output
    if isinstance(output, Block):  # an update made as a component: `gr.Plot(fig, visible=True)`
        if "value" not in output.constructor_args:
            return output
        return {**output.constructor_args, "value": converted(component, output.constructor_args["value"]), "__type__": "update"}
    if isinstance(output, dict) and output.get("__type__") == "update":
        return {**output, "value": converted(component, output["value"])} if "value" in output else output
    return converted(component, output)


def prepare_outputs(components: Sequence[Any], outputs: Sequence[Any]) -> list:
    """A render's outputs (one per component), their tables and charts converted once."""
    return [prepared_output(c, o) for c, o in zip(components, outputs)]


def loaded(value: Any) -> Any:
    """A prepared value as the page receives it (parsed JSON); any other value as it is. For tests
    and in-process callers that read what a render returned."""
    return orjson.loads(orjson.dumps(value)) if isinstance(value, orjson.Fragment) else value