"""Facts about the three exams, from the AWS exam guides (see the content guide).

DVA-C02: https://docs.aws.amazon.com/aws-certification/latest/developer-associate-02/developer-associate-02.html
SAA-C03: https://docs.aws.amazon.com/aws-certification/latest/solutions-architect-associate-03/solutions-architect-associate-03.html
DOP-C02: https://docs.aws.amazon.com/aws-certification/latest/devops-engineer-professional-02/devops-engineer-professional-02.html
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    number: str
    title: str
    weight: int  # percent of the scored content


@dataclass(frozen=True)
class ExamInfo:
    code: str
    title: str
    questions: int
    minutes: int
    passing_score: int  # on the scaled 100-1000 range
    domains: tuple[Domain, ...]
    guide_url: str

    @property
    def seconds_per_question(self) -> float:
        return self.minutes * 60 / self.questions

    @property
    def minutes_per_question(self) -> float:
        return self.minutes / self.questions

    def domain(self, number: str) -> Domain | None:
        return next((d for d in self.domains if d.number == number), None)


EXAM_INFO: dict[str, ExamInfo] = {
    "DVA-C02": ExamInfo(
        code="DVA-C02",
        title="AWS Certified Developer – Associate",
        questions=65,
        minutes=130,
        passing_score=720,
        domains=(
            Domain("1", "Development with AWS Services", 32),
            Domain("2", "Security", 26),
            Domain("3", "Deployment", 24),
            Domain("4", "Troubleshooting and Optimization", 18),
        ),
        guide_url="https://docs.aws.amazon.com/aws-certification/latest/developer-associate-02/developer-associate-02.html",
    ),
    "SAA-C03": ExamInfo(
        code="SAA-C03",
        title="AWS Certified Solutions Architect – Associate",
        questions=65,
        minutes=130,
        passing_score=720,
        domains=(
            Domain("1", "Design Secure Architectures", 30),
            Domain("2", "Design Resilient Architectures", 26),
            Domain("3", "Design High-Performing Architectures", 24),
            Domain("4", "Design Cost-Optimized Architectures", 20),
        ),
        guide_url="https://docs.aws.amazon.com/aws-certification/latest/solutions-architect-associate-03/solutions-architect-associate-03.html",
    ),
    "DOP-C02": ExamInfo(
        code="DOP-C02",
        title="AWS Certified DevOps Engineer – Professional",
        questions=75,
        minutes=180,
        passing_score=750,
        domains=(
            Domain("1", "SDLC Automation", 22),
            Domain("2", "Configuration Management and IaC", 17),
            Domain("3", "Resilient Cloud Solutions", 15),
            Domain("4", "Monitoring and Logging", 15),
            Domain("5", "Incident and Event Response", 14),
            Domain("6", "Security and Compliance", 17),
        ),
        guide_url="https://docs.aws.amazon.com/aws-certification/latest/devops-engineer-professional-02/devops-engineer-professional-02.html",
    ),
}

#: The exams as choices of a form field, with "none yet" first.
EXAM_CHOICES = [("", "No exam chosen yet")] + [
    (code, f"{code} · {info.title}") for code, info in EXAM_INFO.items()
]

TOPICS: dict[str, str] = {
    "foundations": "Foundations",
    "service-roles": "Service roles",
    "cross-account": "Cross-account access",
    "organizations": "AWS Organizations conditions",
    "role-chaining": "Role chaining",
    "boundaries-scps": "Permissions boundaries and SCPs",
    "oidc": "OIDC federation",
    "saml": "SAML federation",
    "identity-center": "IAM Identity Center",
    "session-tags": "Session tags and source identity",
    "cloudtrail": "CloudTrail auditing",
    "troubleshooting": "Troubleshooting AccessDenied",
}
