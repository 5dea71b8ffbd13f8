"""Single sign-on with OpenID Connect, and the HR roster that ends leavers' accounts."""

from flask import Blueprint

bp = Blueprint("identity", __name__)
