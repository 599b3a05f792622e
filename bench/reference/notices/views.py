from django.shortcuts import render

from .models import Notice


def latest_notices(request):
    """One indexed query, twenty rows, one template: the baseline every portal page is measured against."""
    category = request.GET.get("category", "guidance")
    notices = list(Notice.objects.filter(category=category).order_by("-published_on")[:20])
    return render(request, "notices/latest.html", {"category": category, "notices": notices})
