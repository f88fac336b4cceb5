from . import access


def navigation(request):
    """Which sections the service navigation shows, by the user's roles."""
    user = getattr(request, "user", None)
    return {"nav": access.navigation_for(user) if user is not None else {}}
