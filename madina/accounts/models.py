from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madina.core.languages import staff_languages
from madina.core.models import TimeStampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("platform_role", User.PlatformRole.ADMIN)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address."""

    class PlatformRole(models.TextChoices):
        NONE = "", _("none")
        COORDINATOR = "coordinator", _("coordinator")
        ADMIN = "platform_admin", _("platform administrator")

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    platform_role = models.CharField(
        _("platform role"), max_length=20, choices=PlatformRole.choices, blank=True, default=""
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=staff_languages(), blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and (
            self.is_superuser or self.platform_role == self.PlatformRole.ADMIN
        )

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and (
            self.is_platform_admin or self.platform_role == self.PlatformRole.COORDINATOR
        )

    def role_names(self) -> set[str]:
        """Every role this user holds, in the vocabulary of MADINA_2FA_REQUIRED_ROLES."""
        names = set()
        if self.is_platform_admin:
            names.add("platform_admin")
        if self.platform_role == self.PlatformRole.COORDINATOR:
            names.add("coordinator")
        for role, case_role in self.memberships.active().values_list("role", "case_role"):
            names.add(role)
            if case_role:
                names.add(case_role)
        return names


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organisation__is_active=True)


class Membership(TimeStampedModel):
    """A user's place in an organisation, and the role that decides what they may do there."""

    class Role(models.TextChoices):
        ADMIN = "org_admin", _("organisation administrator")
        MEMBER = "member", _("member")
        READONLY = "readonly", _("read-only member")

    class CaseRole(models.TextChoices):
        """Roles in confidential case management, on top of the role above; all need 2FA."""

        CASE_WORKER = "case_worker", _("case worker")
        CASE_SUPERVISOR = "case_supervisor", _("case supervisor")
        REFERRAL_RECEIVER = "referral_receiver", _("referral receiver")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    case_role = models.CharField(
        _("role in case management"),
        max_length=20,
        choices=CaseRole.choices,
        blank=True,
        help_text=_("Only people who accompany victims need one; it requires two-factor sign-in."),
    )
    job_title = models.CharField(_("position"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class Invitation(TimeStampedModel):
    """An organisation admin's invitation to join; the token is stored only as a hash."""

    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiToken(TimeStampedModel):
    """A key for the REST API that acts for one user within one organisation only.

    Requests made with it see and change only what the user's role in that organisation allows;
    platform roles (coordinator, administrator) do not come with it. Only a hash of the key is
    stored; the key is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("beginning of the key"), max_length=8, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
