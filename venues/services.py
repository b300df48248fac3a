from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from qunxian.models import User
from qunxian.roles import is_system_admin
from qunxian.services import audit_record, user_create, user_deactivate
from qunxian.workflow import Refused, transition
from venues.demand import cell_of
from venues.hours import HoursRange, overlapping_pairs
from venues.images import ProcessedImage
from venues.models import (
    CandidateSite,
    Closure,
    Facility,
    OpeningHours,
    Organization,
    PublicHoliday,
    Space,
    Town,
    Venue,
    VenueDailyStat,
    VenuePhoto,
)
from venues.permissions import (
    check_organization_scope,
    check_scope,
    console_organizations,
)


def _count(venue: Venue, field: str) -> None:
    today = timezone.localdate()
    updated = VenueDailyStat.objects.filter(venue=venue, date=today).update(
        **{field: F(field) + 1}
    )
    if updated:
        return
    try:
        with transaction.atomic():
            VenueDailyStat.objects.create(venue=venue, date=today, **{field: 1})
    except IntegrityError:  # another request created today's row first
        VenueDailyStat.objects.filter(venue=venue, date=today).update(
            **{field: F(field) + 1}
        )


def venue_count_navigation(*, venue: Venue) -> None:
    _count(venue, "navigations")


def venue_count_activity_attendance(*, venue: Venue) -> None:
    _count(venue, "activity_attendance")


@transaction.atomic
def venue_add_manager(*, venue: Venue, user: User, actor: User | None) -> None:
    """Names `user` a manager of `venue`; naming them twice records nothing."""
    if not user.is_active:
        raise Refused(
            _("A deactivated account cannot manage a venue."), code="inactive"
        )
    if venue.managers.filter(pk=user.pk).exists():
        return
    venue.managers.add(user)
    audit_record(
        actor=actor, action="venue.add_manager", subject=venue, details=str(user)
    )


@transaction.atomic
def venue_remove_manager(*, venue: Venue, user: User, actor: User | None) -> None:
    if not venue.managers.filter(pk=user.pk).exists():
        return
    venue.managers.remove(user)
    audit_record(
        actor=actor, action="venue.remove_manager", subject=venue, details=str(user)
    )


# -- manager-end services --

MAX_PHOTOS_PER_VENUE = 12
MAX_SPACE_CAPACITY = 500
_MIDNIGHT = time(0, 0)


def _lock_venue(venue: Venue) -> Venue:
    """Lock the venue's row: the manager-end writes of one venue queue behind it.

    Without it two uploads at once could both see 11 photos and store a 13th,
    and two hours edits could interleave their delete-and-insert.
    """
    return Venue.objects.select_for_update().get(pk=venue.pk)


def _time(value: time) -> str:
    return value.strftime("%H:%M")


def _describe_range(r: HoursRange) -> str:
    day = OpeningHours.Weekday(r.weekday).label
    return f"{day} {_time(r.opens)}–{_time(r.closes)}"


def validate_weekly_hours(ranges: Sequence[HoursRange]) -> None:
    """The rules of a week of opening hours; raises ValidationError listing breaches.

    `closes <= opens` runs past midnight, but equal times are refused except
    00:00–00:00 (open 24 h): 08:00–08:00 is far more often a slip than intent.
    """
    errors = [
        ValidationError(
            _(
                "%(range)s opens and closes at the same time. "
                "For open all day, enter 00:00 to 00:00."
            ),
            code="empty_range",
            params={"range": _describe_range(r)},
        )
        for r in ranges
        if r.opens == r.closes and r.opens != _MIDNIGHT
    ]
    errors += [
        ValidationError(
            _("%(first)s overlaps %(second)s."),
            code="overlap",
            params={"first": _describe_range(a), "second": _describe_range(b)},
        )
        for a, b in overlapping_pairs(ranges)
    ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def venue_set_hours(
    *,
    venue: Venue,
    actor: User,
    ranges: Sequence[HoursRange],
    holiday_hours: str | None = None,
) -> None:
    """Replace the venue's weekly opening hours with `ranges`, and say what it
    does on public holidays (`Venue.HolidayHours`; None leaves it)."""
    check_scope(actor, venue)
    validate_weekly_hours(ranges)
    if holiday_hours is not None and holiday_hours not in Venue.HolidayHours:
        raise ValidationError(_("Choose what the venue does on public holidays."))
    locked = _lock_venue(venue)
    if holiday_hours is not None and holiday_hours != locked.holiday_hours:
        locked.holiday_hours = holiday_hours
        locked.save(update_fields=["holiday_hours", "updated_at"])
        venue.holiday_hours = holiday_hours
    locked.hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(venue=locked, weekday=r.weekday, opens=r.opens, closes=r.closes)
        for r in ranges
    )
    ordered = sorted(ranges, key=lambda r: (r.weekday, r.opens))
    audit_record(
        actor=actor,
        action="venue.hours",
        subject=locked,
        details="; ".join(_describe_range(r) for r in ordered) or "-",
    )


@transaction.atomic
def closure_add(
    *,
    venue: Venue,
    actor: User,
    start_date: date,
    end_date: date,
    reason: str,
    space: Space | None = None,
    start_time: time | None = None,
    end_time: time | None = None,
) -> Closure:
    """Close the venue, or one of its spaces, for some days or some hours of one."""
    check_scope(actor, venue)
    if space is not None and space.venue_id != venue.pk:
        raise ValidationError(
            {"space": _("This space is not in this venue.")}, code="other_venue"
        )
    if end_date < start_date:
        raise ValidationError(
            {"end_date": _("The last day cannot be before the first day.")},
            code="ends_before_start",
        )
    if end_date < timezone.localdate():
        raise ValidationError(
            {"end_date": _("This closure is entirely in the past.")}, code="past"
        )
    validate_closure_times(start_date, end_date, start_time, end_time)
    closure = Closure.objects.create(
        venue=venue,
        space=space,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        reason=reason,
    )
    audit_record(actor=actor, action="closure.add", subject=venue, details=str(closure))
    return closure


def validate_closure_times(start_date, end_date, start_time, end_time) -> None:
    """Some hours are closed on one day, from a time to a later one."""
    if start_time is None and end_time is None:
        return
    if start_time is None or end_time is None:
        raise ValidationError(
            {
                "end_time" if end_time is None else "start_time": _(
                    "Give both times to close some hours, or neither for whole days."
                )
            },
            code="one_time",
        )
    if end_time <= start_time:
        raise ValidationError(
            {"end_time": _("The closure must end after it starts.")},
            code="ends_before_start",
        )
    if end_date != start_date:
        raise ValidationError(
            {
                "end_date": _(
                    "Hours are closed on one day: make the last day the first."
                )
            },
            code="times_over_days",
        )


@transaction.atomic
def closure_delete(*, closure: Closure, actor: User) -> None:
    check_scope(actor, closure.venue)
    details = str(closure)
    closure.delete()
    audit_record(
        actor=actor, action="closure.delete", subject=closure.venue, details=details
    )


def _check_space(*, venue: Venue, name: str, capacity: int, exclude: int | None):
    if not 1 <= capacity <= MAX_SPACE_CAPACITY:
        raise ValidationError(
            {
                "capacity": _("Capacity must be between 1 and %(max)s.")
                % {"max": MAX_SPACE_CAPACITY}
            },
            code="capacity",
        )
    # Case-insensitive, so "Room 1" and "room 1" are not two spaces; the database
    # constraint (exact) still catches a concurrent twin, below.
    if venue.spaces.filter(name__iexact=name).exclude(pk=exclude).exists():
        raise _duplicate_space_name()


def _duplicate_space_name() -> ValidationError:
    return ValidationError(
        {"name": _("This venue already has a space with this name.")},
        code="duplicate_name",
    )


@transaction.atomic
def space_create(
    *,
    venue: Venue,
    actor: User,
    name: str,
    capacity: int,
    is_exclusive: bool,
    description: str = "",
    is_active: bool = True,
    members_only: bool = False,
) -> Space:
    check_scope(actor, venue)
    _check_space(venue=venue, name=name, capacity=capacity, exclude=None)
    try:
        with transaction.atomic():  # a savepoint, so the outer block can go on
            space = Space.objects.create(
                venue=venue,
                name=name,
                capacity=capacity,
                is_exclusive=is_exclusive,
                description=description,
                is_active=is_active,
                members_only=members_only,
            )
    except IntegrityError:  # another request added the same name just now
        raise _duplicate_space_name() from None
    audit_record(actor=actor, action="space.add", subject=venue, details=name)
    return space


@transaction.atomic
def space_update(
    *,
    space: Space,
    actor: User,
    name: str,
    capacity: int,
    is_exclusive: bool,
    description: str,
    is_active: bool,
    members_only: bool = False,
) -> Space:
    check_scope(actor, space.venue)
    # Compare with the stored row: the instance handed in may carry a form's edits.
    locked = Space.objects.select_for_update().select_related("venue").get(pk=space.pk)
    _check_space(venue=locked.venue, name=name, capacity=capacity, exclude=locked.pk)
    values = {
        "name": name,
        "capacity": capacity,
        "is_exclusive": is_exclusive,
        "description": description,
        "is_active": is_active,
        "members_only": members_only,
    }
    old_name = locked.name
    changed = [f for f, value in values.items() if getattr(locked, f) != value]
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, values[field])
    try:
        with transaction.atomic():
            locked.save(update_fields=changed)
    except IntegrityError:
        raise _duplicate_space_name() from None
    audit_record(
        actor=actor,
        action="space.update",
        subject=locked.venue,
        details=f"{old_name}: {', '.join(changed)}",
    )
    return locked


@transaction.atomic
def space_deactivate(*, space: Space, actor: User) -> None:
    """Closed for new bookings; the space and its history stay."""
    check_scope(actor, space.venue)
    if not space.is_active:
        return
    space.is_active = False
    space.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action="space.deactivate", subject=space.venue, details=space.name
    )


def _delete_files(storage: Storage, names: Iterable[str]) -> None:
    for name in names:
        if name:
            storage.delete(name)


@transaction.atomic
def photo_add(
    *, venue: Venue, actor: User, image: ProcessedImage, caption: str = ""
) -> VenuePhoto:
    """Store an image that `venues.images.process_image` has made safe."""
    check_scope(actor, venue)
    locked = _lock_venue(venue)
    stats = locked.photos.aggregate(count=Count("pk"), last=Max("position"))
    if stats["count"] >= MAX_PHOTOS_PER_VENUE:
        raise Refused(
            _("A venue can have at most %(max)s photos. Delete one first.")
            % {"max": MAX_PHOTOS_PER_VENUE},
            code="too_many_photos",
        )
    photo = VenuePhoto(
        venue=locked,
        width=image.width,
        height=image.height,
        caption=caption,
        position=(stats["last"] or 0) + 1 if stats["count"] else 0,
    )
    try:
        photo.image.save(image.image.name, image.image, save=False)
        photo.thumbnail.save(image.thumbnail.name, image.thumbnail, save=False)
        photo.save()
        audit_record(
            actor=actor,
            action="photo.add",
            subject=locked,
            details=caption or photo.image.name,
        )
    except Exception:
        # The files are written outside the transaction: take them back by hand.
        _delete_files(photo.image.storage, [photo.image.name, photo.thumbnail.name])
        raise
    return photo


@transaction.atomic
def photo_move(
    *, photo: VenuePhoto, actor: User, direction: Literal["up", "down"]
) -> bool:
    """Swap with the neighbour; False when already first (up) or last (down)."""
    check_scope(actor, photo.venue)
    venue = _lock_venue(photo.venue)
    photos = list(venue.photos.order_by("position", "id"))
    index = next((i for i, p in enumerate(photos) if p.pk == photo.pk), None)
    if index is None:  # deleted meanwhile
        return False
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(photos):
        return False
    photos[index], photos[other] = photos[other], photos[index]
    # Renumber 0..n-1, which also repairs ties left by older data.
    changed = []
    for position, each in enumerate(photos):
        if each.position != position:
            each.position = position
            changed.append(each)
    VenuePhoto.objects.bulk_update(changed, ["position"])
    audit_record(
        actor=actor,
        action="photo.move",
        subject=venue,
        details=f"{photo.pk} {direction}",
    )
    return True


@transaction.atomic
def photo_update_caption(*, photo: VenuePhoto, actor: User, caption: str) -> None:
    check_scope(actor, photo.venue)
    if photo.caption == caption:
        return
    photo.caption = caption
    photo.save(update_fields=["caption"])
    audit_record(
        actor=actor, action="photo.caption", subject=photo.venue, details=caption
    )


@transaction.atomic
def photo_delete(*, photo: VenuePhoto, actor: User) -> None:
    check_scope(actor, photo.venue)
    storage = photo.image.storage
    names = [photo.image.name, photo.thumbnail.name]
    venue = photo.venue
    photo.delete()
    audit_record(actor=actor, action="photo.delete", subject=venue, details=names[0])
    # Only once the row is surely gone: a rollback must not leave a row whose
    # files were already removed.
    transaction.on_commit(lambda: _delete_files(storage, names))


# -- console services --


def _brief(value: object) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


@transaction.atomic
def venue_create(
    *,
    actor: User,
    name: str,
    organization: Organization,
    category: str,
    town: Town,
    address: str,
    lat: float,
    lng: float,
    phone: str = "",
    description: str = "",
    is_bookable: bool = False,
    facilities: Iterable[Facility] = (),
) -> Venue:
    check_organization_scope(actor, organization)
    venue = Venue(
        name=name,
        organization=organization,
        category=category,
        town=town,
        address=address,
        lat=lat,
        lng=lng,
        phone=phone,
        description=description,
        is_bookable=is_bookable,
    )
    venue.full_clean()
    venue.save()
    venue.facilities.set(facilities)
    audit_record(actor=actor, action="venue.create", subject=venue)
    return venue


@transaction.atomic
def venue_import(*, actor: User, venues: Sequence[dict]) -> list[Venue]:
    """Creates every venue (`venue_create`'s arguments each), or if one is
    refused, none: the whole file is one transaction."""
    return [venue_create(actor=actor, **fields) for fields in venues]


@transaction.atomic
def venue_update(*, venue: Venue, actor: User, data: dict[str, object]) -> Venue:
    """Set the given fields; the audit entry lists each change as old → new.

    The console (a system admin, or an admin of the venue's organisation) may
    set `Venue.CONSOLE_FIELDS`, the venue's own managers only
    `Venue.MANAGER_FIELDS`; a venue moves only to an organisation the actor
    runs too.
    """
    check_scope(actor, venue)
    in_console = console_organizations(actor).filter(pk=venue.organization_id).exists()
    allowed = Venue.CONSOLE_FIELDS if in_console else Venue.MANAGER_FIELDS
    if not_allowed := sorted(set(data) - set(allowed)):
        raise Refused(
            _("Only the district's administrators can change: %(fields)s.")
            % {"fields": ", ".join(not_allowed)},
            code="out_of_scope",
        )
    if data.get("organization", venue.organization) != venue.organization:
        check_organization_scope(actor, data["organization"])
    # Compare with the row as stored, not with an instance a form has already
    # filled in, so the log shows what really changed.
    venue = _lock_venue(venue)
    changes, changed_fields = [], []
    for field in allowed:
        if field == "facilities" or field not in data:
            continue
        old, new = getattr(venue, field), data[field]
        if old != new:
            changes.append(f"{field}: {_brief(old)} → {_brief(new)}")
            changed_fields.append(field)
            setattr(venue, field, new)
    if changed_fields:
        venue.full_clean()
        venue.save(update_fields=[*changed_fields, "updated_at"])
    if "facilities" in data:
        old_facilities = set(venue.facilities.all())
        new_facilities = set(data["facilities"])
        if old_facilities != new_facilities:
            venue.facilities.set(new_facilities)
            names = ", ".join(sorted(str(f) for f in new_facilities)) or "—"
            changes.append(f"facilities: {names}")
    if changes:
        audit_record(
            actor=actor,
            action="venue.update",
            subject=venue,
            details="\n".join(changes),
        )
    return venue


# A reason is required both ways; a suspended venue shows its reason.
STATUS_CHANGES = {
    Venue.Status.SUSPENDED: ("suspend", _lazy("Say why the venue is suspended.")),
    Venue.Status.ACTIVE: ("reactivate", _lazy("Say why the venue is reactivated.")),
}


@transaction.atomic
def venue_set_status(*, venue: Venue, actor: User, status: str, reason: str) -> Venue:
    """Suspend a venue (off the user end: everything there uses `published()`)
    or reactivate it."""
    check_organization_scope(actor, venue.organization)
    action, reason_missing = STATUS_CHANGES[status]
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": reason_missing})
    kept_reason = reason[:200] if status == Venue.Status.SUSPENDED else ""
    return transition(
        venue, action, actor=actor, reason=reason, fields={"status_reason": kept_reason}
    )


def _save_organization(organization: Organization) -> None:
    organization.full_clean()
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as error:  # the name was taken since full_clean looked
        raise ValidationError(
            {"name": _("An organisation with this name already exists.")}
        ) from error


@transaction.atomic
def organization_create(*, actor: User, name: str, kind: str) -> Organization:
    check_scope(actor, None)  # the console's alone
    organization = Organization(name=name, kind=kind)
    _save_organization(organization)
    audit_record(actor=actor, action="organization.create", subject=organization)
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: User, name: str, kind: str
) -> Organization:
    check_scope(actor, None)  # the console's alone
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    changes = [
        f"{field}: {old} → {new}"
        for field, old, new in (
            ("name", organization.name, name),
            ("kind", organization.kind, kind),
        )
        if old != new
    ]
    if not changes:
        return organization
    organization.name, organization.kind = name, kind
    _save_organization(organization)
    audit_record(
        actor=actor,
        action="organization.update",
        subject=organization,
        details="\n".join(changes),
    )
    return organization


@transaction.atomic
@transaction.atomic
def organization_add_admin(
    *, organization: Organization, user: User, actor: User
) -> None:
    """Names `user` an admin of the organisation's own console."""
    check_scope(actor, None)  # the district names them
    if not user.is_active:
        raise Refused(
            _("A deactivated account cannot run an organisation."), code="inactive"
        )
    if organization.admins.filter(pk=user.pk).exists():
        return
    organization.admins.add(user)
    audit_record(
        actor=actor,
        action="organization.add_admin",
        subject=organization,
        details=str(user),
    )


@transaction.atomic
def organization_remove_admin(
    *, organization: Organization, user: User, actor: User
) -> None:
    check_scope(actor, None)  # the district names them
    if not organization.admins.filter(pk=user.pk).exists():
        return
    organization.admins.remove(user)
    audit_record(
        actor=actor,
        action="organization.remove_admin",
        subject=organization,
        details=str(user),
    )


def _check_console_venues(actor: User, venues: Iterable[Venue]) -> list[Venue]:
    """The venues, once each of them is checked to be in the actor's console."""
    venues = sorted(venues, key=lambda venue: venue.pk)
    if not venues:
        check_scope(actor, None)  # an account of no venue: the district's
    for venue in venues:
        check_organization_scope(actor, venue.organization)
    return venues


@transaction.atomic
def manager_assign(*, user: User, venues: Iterable[Venue], actor: User) -> None:
    for venue in _check_console_venues(actor, venues):
        venue_add_manager(venue=venue, user=user, actor=actor)


@transaction.atomic
def manager_unassign(*, user: User, venue: Venue, actor: User) -> None:
    check_organization_scope(actor, venue.organization)
    venue_remove_manager(venue=venue, user=user, actor=actor)


@transaction.atomic
def manager_create(
    *,
    phone: str,
    display_name: str,
    password: str,
    venues: Iterable[Venue],
    actor: User,
) -> User:
    """A new account that manages `venues` from its first log-in."""
    venues = _check_console_venues(actor, venues)
    user = user_create(
        phone=phone, display_name=display_name, password=password, actor=actor
    )
    manager_assign(user=user, venues=venues, actor=actor)
    return user


@transaction.atomic
def manager_deactivate(*, user: User, actor: User) -> None:
    """Deactivates the account and takes it off every venue it managed."""
    check_scope(actor, None)  # the console's alone
    user_deactivate(user=user, actor=actor)
    for venue in Venue.objects.managed_by(user).order_by("pk"):
        venue_remove_manager(venue=venue, user=user, actor=actor)


# -- The district's holiday list


@transaction.atomic
def holiday_add(
    *, actor: User, date: date, name: str, kind: str, works_as: int = 0
) -> PublicHoliday:
    """Add a day to the holiday list; one entry a date."""
    check_scope(actor, None)  # the console's alone
    if PublicHoliday.objects.filter(date=date).exists():
        raise ValidationError(
            {"date": _("This day is already on the list.")}, code="duplicate"
        )
    if kind != PublicHoliday.Kind.WORKDAY:
        works_as = OpeningHours.Weekday.MONDAY  # only a working day stands in
    try:
        with transaction.atomic():
            holiday = PublicHoliday.objects.create(
                date=date, name=name, kind=kind, works_as=works_as
            )
    except IntegrityError as error:  # the same day added at the same moment
        raise ValidationError(
            {"date": _("This day is already on the list.")}, code="duplicate"
        ) from error
    audit_record(actor=actor, action="holiday.add", subject=holiday)
    return holiday


@transaction.atomic
def holiday_delete(*, actor: User, holiday: PublicHoliday) -> None:
    check_scope(actor, None)
    audit_record(actor=actor, action="holiday.delete", subject=holiday)
    holiday.delete()


@transaction.atomic
def candidate_site_add(
    *, actor: User, name: str, category: str, lat: float, lng: float
) -> CandidateSite:
    """A site the next siting computation considers for a new venue."""
    if not is_system_admin(actor):
        raise Refused(_("Only a system admin can propose sites."), code="scope")
    site = CandidateSite.objects.create(
        name=name,
        category=category,
        lat=lat,
        lng=lng,
        cell=cell_of(lat, lng),
        added_by=actor,
    )
    audit_record(actor=actor, action="candidate.add", subject=site)
    return site


@transaction.atomic
def candidate_site_remove(*, actor: User, site: CandidateSite) -> None:
    if not is_system_admin(actor):
        raise Refused(_("Only a system admin can propose sites."), code="scope")
    audit_record(actor=actor, action="candidate.remove", subject=site)
    site.delete()
