"""Labels to the schema, values to numbers, money to yuan."""
from .readers import build_forms  # noqa: F401
from .schema import Form  # noqa: F401
from .output import form_to_dict  # noqa: F401
