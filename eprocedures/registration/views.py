# Replaced by the registration wizard (issue 2).
from django.shortcuts import render


def wizard(request):
    return render(request, "registration/wizard.html")
