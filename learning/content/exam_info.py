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

#: The wording of the task statements the bank is tagged with, per exam, from
#: the exam guides' domain pages (shown with a result's breakdown):
#: https://docs.aws.amazon.com/aws-certification/latest/userguide/developer-associate-02-domain2.html
#: https://docs.aws.amazon.com/aws-certification/latest/userguide/developer-associate-02-domain4.html
#: https://docs.aws.amazon.com/aws-certification/latest/solutions-architect-associate-03/solutions-architect-associate-03-domain1.html
#: https://docs.aws.amazon.com/aws-certification/latest/devops-engineer-professional-02/devops-engineer-professional-02-domain2.html
#: https://docs.aws.amazon.com/aws-certification/latest/devops-engineer-professional-02/devops-engineer-professional-02-domain6.html
TASK_STATEMENTS: dict[str, dict[str, str]] = {
    "DVA-C02": {
        "1.1": "Develop code for applications hosted on AWS",
        "2.1": "Implement authentication and/or authorization for applications and AWS services",
        "2.2": "Implement encryption by using AWS services",
        "2.3": "Manage sensitive data in application code",
        "3.4": "Deploy code by using AWS CI/CD services",
        "4.1": "Assist in a root cause analysis",
    },
    "SAA-C03": {
        "1.1": "Design secure access to AWS resources",
        "1.2": "Design secure workloads and applications",
        "1.3": "Determine appropriate data security controls",
    },
    "DOP-C02": {
        "1.1": "Implement CI/CD pipelines",
        "2.1": "Define cloud infrastructure and reusable components to provision and manage "
        "systems throughout their lifecycle",
        "2.2": "Deploy automation to create, onboard, and secure AWS accounts in a "
        "multi-account or multi-Region environment",
        "6.1": "Implement techniques for identity and access management at scale",
        "6.2": "Apply automation for security controls and data protection",
        "6.3": "Implement security monitoring and auditing solutions",
    },
}


def task_title(exam: str, task: str) -> str:
    """A task statement's wording, or "" when the guide's wording is not recorded here."""
    return TASK_STATEMENTS.get(exam, {}).get(task, "")
