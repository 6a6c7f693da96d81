"""The public pages of feedback: give feedback, check its status, see what was heard and done.

No account; nothing about the client is stored (the rate limit keeps a keyed hash of the address
in the cache for an hour, see ``portal.throttle``). The reference code never goes into an address:
the confirmation is rendered from the POST itself, and the status check is a POST. Pages that
show a code or an answer are not cached by the browser.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from madina.core.forms import add_service_errors
from madina.feedback import selectors, services
from madina.feedback.forms import GiveFeedbackForm, StatusForm
from madina.portal.throttle import allow


def _too_many(request):
    return render(request, "feedback/public/too_many.html", status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def give(request):
    form = GiveFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Counted only once the form is valid: a person correcting a mistake is not held back.
        if not allow(request, "feedback"):
            return _too_many(request)
        try:
            feedback = services.feedback_submit(data=form.submission())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "feedback/public/thanks.html", {"feedback": feedback})
    return render(request, "feedback/public/give.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def status(request):
    form = StatusForm(request.POST or None)
    context: dict = {"form": form, "looked_up": False}
    if request.method == "POST":
        if not allow(request, "status"):
            return _too_many(request)
        # A malformed code is looked up like any other: the same query, the same page.
        code = request.POST.get("code", "")[:64]
        feedback = selectors.status_lookup(code)
        context.update({"looked_up": True, "feedback": feedback})
        form = StatusForm()
        context["form"] = form
    return render(request, "feedback/public/status.html", context)


@require_GET
def results(request):
    return render(
        request,
        "feedback/public/results.html",
        {
            "figures": selectors.public_figures(),
            "entries": selectors.you_said_published(),
        },
    )
