# Minimal until the sign-in issue lands: the page activation redirects to.
from django.contrib import auth
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


def login(request):
    return render(request, "signin/login.html")


@require_POST
def logout(request):
    auth.logout(request)
    return redirect("signin:login")
