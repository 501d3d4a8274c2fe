from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from collaboration.models import CollaborationForm, Family
from portal.http import AnyRequest


@require_safe
def form_list(request: AnyRequest) -> HttpResponse:
    forms = list(CollaborationForm.objects.all())
    families = [(family, [f for f in forms if f.family == family.value]) for family in Family]
    return render(request, "collaboration/form_list.html", {"families": families})


@require_safe
def form_detail(request: AnyRequest, slug: str) -> HttpResponse:
    form = CollaborationForm.objects.filter(slug=slug).first()
    if form is None:
        raise Http404("Ingen sådan samverkansform.")
    return render(request, "collaboration/form_detail.html", {"form": form})
