"""Labels to the schema, values to numbers, money to yuan."""
from .form import Form, build_forms  # noqa: F401
from .output import form_to_dict  # noqa: F401
