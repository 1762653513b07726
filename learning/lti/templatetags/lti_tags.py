from django import template

from learning.lti.grades import pending_for_classroom

register = template.Library()


@register.inclusion_tag("lti/pending_scores.html")
def lti_pending_scores(classroom) -> dict:
    """The scores of this class the platform has not taken yet, for its teachers."""
    return {"pending": pending_for_classroom(classroom)}
