using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Validation;
using NodaTime;
using F = Hl7.Fhir.Model;
using static MedCoord.Fhir.Scheduling.FhirNames;

namespace MedCoord.Fhir.Scheduling;

/// <summary>Builds the transaction Bundle of one problem (and optionally its schedule); docs/fhir.md, "Scheduling".</summary>
internal sealed class BundleExporter
{
    private readonly Problem _problem;
    private readonly ValidatedProblem _validated;
    private readonly List<F.Bundle.EntryComponent> _entries = [];
    private readonly Dictionary<string, HashSet<string>> _usedIds = [];
    private readonly Dictionary<(string Kind, string Id), string> _ids = [];
    private readonly Dictionary<string, Facility> _facilities;
    private readonly Dictionary<string, Room> _rooms;
    private readonly Dictionary<string, AppointmentRequest> _requests;
    private readonly Dictionary<string, AppointmentType> _types;
    private readonly SchedulingResourceIds _kept;

    private BundleExporter(ValidatedProblem validated, SchedulingResourceIds kept)
    {
        var problem = validated.Problem;
        _problem = problem;
        _validated = validated;
        _kept = kept;
        _facilities = problem.Facilities.ToDictionary(f => f.Id, StringComparer.Ordinal);
        _rooms = problem.Rooms.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _requests = problem.Requests.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _types = problem.AppointmentTypes.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    public static F.Bundle Export(Problem problem, Schedule? schedule, SchedulingResourceIds? kept)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var errors = ValidatedProblem.TryCreate(problem, out var validated);
        if (errors.Count > 0)
        {
            throw new ProblemValidationException(errors);
        }

        var exporter = new BundleExporter(validated!, kept ?? SchedulingResourceIds.None);
        if (schedule is not null)
        {
            ValidationException.ThrowIfAny(exporter.CheckSchedule(schedule), "schedule", nameof(schedule));
        }

        return exporter.Build(schedule);
    }

    private List<ValidationError> CheckSchedule(Schedule schedule)
    {
        var errors = new List<ValidationError>();
        var providers = _problem.Providers.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < schedule.Assignments.Count; i++)
        {
            var a = schedule.Assignments[i];
            if (!_requests.ContainsKey(a.RequestId))
            {
                errors.Add(new($"assignments[{i}].request", $"unknown request '{a.RequestId}'"));
            }

            if (a.ProviderId is not null && !providers.Contains(a.ProviderId))
            {
                errors.Add(new($"assignments[{i}].provider", $"unknown provider '{a.ProviderId}'"));
            }

            if (a.RoomId is not null && !_rooms.ContainsKey(a.RoomId))
            {
                errors.Add(new($"assignments[{i}].room", $"unknown room '{a.RoomId}'"));
            }

            if (!_facilities.ContainsKey(a.FacilityId))
            {
                errors.Add(new($"assignments[{i}].facility", $"unknown facility '{a.FacilityId}'"));
            }
        }

        for (var i = 0; i < schedule.Unscheduled.Count; i++)
        {
            if (!_requests.ContainsKey(schedule.Unscheduled[i].RequestId))
            {
                errors.Add(new($"unscheduled[{i}].request", $"unknown request '{schedule.Unscheduled[i].RequestId}'"));
            }
        }

        return errors;
    }

    /// <summary>The FHIR id of a problem entity: its own id when it is a valid FHIR id not yet taken in its resource type, else a numbered one.</summary>
    private string Id(string resourceType, string kind, string problemId)
    {
        if (_ids.TryGetValue((kind, problemId), out var known))
        {
            return known;
        }

        var id = Take(resourceType, problemId, kind);
        _ids[(kind, problemId)] = id;
        return id;
    }

    private string FreshId(string resourceType, string candidate) => Take(resourceType, candidate, resourceType.ToLowerInvariant());

    /// <summary>Takes <paramref name="candidate"/> as an id of <paramref name="resourceType"/> when it is a valid FHIR id not yet taken, else the first free <c>prefix-N</c>.</summary>
    private string Take(string resourceType, string candidate, string prefix)
    {
        var used = _usedIds.TryGetValue(resourceType, out var set) ? set : _usedIds[resourceType] = new(StringComparer.Ordinal);
        var id = IsFhirId(candidate) && !used.Contains(candidate) ? candidate : Fresh(used, prefix);
        used.Add(id);
        return id;
    }

    private static string Fresh(HashSet<string> used, string prefix)
    {
        for (var n = 1; ; n++)
        {
            var id = $"{prefix}-{n}";
            if (!used.Contains(id))
            {
                return id;
            }
        }
    }

    private string Ref(string resourceType, string kind, string problemId) => $"{resourceType}/{Id(resourceType, kind, problemId)}";

    /// <summary>An identifier carrying the problem's id where the FHIR id had to differ from it.</summary>
    private static List<F.Identifier> Identity(string kind, string problemId, string fhirId) =>
        problemId == fhirId ? [] : [new F.Identifier(IdSystem + kind, problemId)];

    private void Add(F.Resource resource)
    {
        var type = resource.TypeName;
        _entries.Add(new F.Bundle.EntryComponent
        {
            FullUrl = $"{Base}/{type}/{resource.Id}",
            Resource = resource,
            Request = new F.Bundle.RequestComponent { Method = F.Bundle.HTTPVerb.PUT, Url = $"{type}/{resource.Id}" },
        });
    }

    private F.Bundle Build(Schedule? schedule)
    {
        // Ids first, in list order, so that every reference names the id its resource gets.
        (string ResourceType, string Kind, IEnumerable<string> Ids)[] kinds =
        [
            ("Location", "facility", _problem.Facilities.Select(f => f.Id)),
            ("Location", "room", _problem.Rooms.Select(r => r.Id)),
            ("Practitioner", "provider", _problem.Providers.Select(p => p.Id)),
            ("Patient", "patient", _problem.Patients.Select(p => p.Id)),
            ("HealthcareService", "appointment-type", _problem.AppointmentTypes.Select(t => t.Id)),
            ("ServiceRequest", "request", _problem.Requests.Select(r => r.Id)),
            ("Device", "equipment", _problem.Equipment.Select(e => e.Id)),
        ];
        foreach (var (resourceType, kind, ids) in kinds)
        {
            foreach (var id in ids)
            {
                Id(resourceType, kind, id);
            }
        }

        AddProblem(schedule);
        _problem.Facilities.ToList().ForEach(AddFacility);
        _problem.Rooms.ToList().ForEach(AddRoom);
        _problem.Equipment.ToList().ForEach(AddPool);
        _problem.Providers.ToList().ForEach(AddProvider);
        _problem.Patients.ToList().ForEach(AddPatient);
        _problem.AppointmentTypes.ToList().ForEach(AddType);
        _problem.Requests.ToList().ForEach(AddRequest);
        AddAppointments(schedule);
        AddSchedules(schedule);
        return new F.Bundle { Type = F.Bundle.BundleType.Transaction, Entry = _entries };
    }

    private void AddProblem(Schedule? schedule)
    {
        var basic = new F.Basic
        {
            Id = FreshId("Basic", "scheduling-problem"),
            Code = Concept(ResourceKindSystem, ProblemCode),
        };
        basic.Extension.Add(new F.Extension(Horizon, new F.Period { Start = Date(_problem.Horizon.Start), End = Date(_problem.Horizon.End) }));
        if (_problem.Options is { } o)
        {
            var options = new F.Extension { Url = Options };
            if (o.TimeLimit is { } limit)
            {
                options.Extension.Add(new F.Extension("timeLimitSeconds", new F.FhirDecimal((decimal)limit.TotalSeconds)));
            }

            if (o.Workers is { } workers)
            {
                options.Extension.Add(new F.Extension("workers", new F.Integer(workers)));
            }

            if (o.Seed is { } seed)
            {
                options.Extension.Add(new F.Extension("seed", new F.Integer(seed)));
            }

            if (o.Conservative is { } conservative)
            {
                options.Extension.Add(new F.Extension("conservative", new F.FhirBoolean(conservative)));
            }

            if (o.SoftRules is { } soft)
            {
                var rules = new F.Extension { Url = "softRules" };
                rules.Extension.Add(new F.Extension("continuityWeight", new F.Integer(soft.Continuity)));
                rules.Extension.Add(new F.Extension("dailyCapWeight", new F.Integer(soft.DailyCap)));
                if (soft.DefaultDailyCap is { } cap)
                {
                    rules.Extension.Add(new F.Extension("dailyCap", new F.Integer(cap)));
                }

                rules.Extension.Add(new F.Extension("balanceWeight", new F.Integer(soft.Balance)));
                options.Extension.Add(rules);
            }

            if (options.Extension.Count > 0)
            {
                basic.Extension.Add(options);
            }
        }

        foreach (var s in _problem.Series)
        {
            var series = new F.Extension { Url = Series };
            series.Extension.Add(new F.Extension("id", new F.FhirString(s.Id)));
            foreach (var r in s.RequestIds)
            {
                series.Extension.Add(new F.Extension("request", new F.ResourceReference(Ref("ServiceRequest", "request", r))));
            }

            series.Extension.Add(new F.Extension("intervalDays", new F.Integer(s.IntervalDays)));
            series.Extension.Add(new F.Extension("toleranceMinutes", new F.Integer(s.ToleranceMinutes)));
            series.Extension.Add(new F.Extension("sameProvider", new F.FhirBoolean(s.SameProvider)));
            basic.Extension.Add(series);
        }

        if (schedule is not null)
        {
            basic.Extension.Add(ScheduleResult(schedule));
        }

        Add(basic);
    }

    /// <summary>What the solve said of the schedule exported with the problem: its status, objective and stats (the import ignores it: a problem is what was asked).</summary>
    private static F.Extension ScheduleResult(Schedule schedule)
    {
        var result = new F.Extension { Url = ScheduleResultUrl };
        result.Extension.Add(new F.Extension("status", new F.Code(schedule.Status.ToString())));
        result.Extension.Add(new F.Extension("scheduledPriority", new F.FhirDecimal(schedule.Objective.ScheduledPriority)));
        result.Extension.Add(new F.Extension("upperBound", new F.FhirDecimal(schedule.Objective.UpperBound)));
        result.Extension.Add(new F.Extension("waitingCost", new F.FhirDecimal(schedule.Objective.WaitingCost)));
        if (schedule.Objective.SoftRules is { } soft)
        {
            result.Extension.Add(new F.Extension("softRuleCost", new F.FhirDecimal(soft.Total)));
        }

        result.Extension.Add(new F.Extension("wallSeconds", new F.FhirDecimal((decimal)Math.Round(schedule.Stats.WallSeconds, 3))));
        result.Extension.Add(new F.Extension("workers", new F.Integer(schedule.Stats.Workers)));
        result.Extension.Add(new F.Extension("seed", new F.Integer(schedule.Stats.Seed)));
        result.Extension.Add(new F.Extension("droppedSolutions", new F.Integer(schedule.Stats.DroppedSolutions)));
        return result;
    }

    private static IEnumerable<F.Location.HoursOfOperationComponent> Opening(IEnumerable<WeeklyHours> hours) => hours.Select(h =>
    {
        var c = new F.Location.HoursOfOperationComponent { DaysOfWeekElement = [.. h.Days.Select(d => new F.Code<F.DaysOfWeek>(Day(d)))] };
        if (h.From == LocalTime.Midnight && h.EndsAtEndOfDay)
        {
            c.AllDay = true;
        }
        else
        {
            c.OpeningTime = Time(h.From, isEnd: false);
            c.ClosingTime = Time(h.To, isEnd: true);
        }

        return c;
    });

    private void AddFacility(Facility f)
    {
        var id = Id("Location", "facility", f.Id);
        var location = new F.Location
        {
            Id = id,
            Identifier = Identity("facility", f.Id, id),
            Status = F.Location.LocationStatus.Active,
            Mode = F.Location.LocationMode.Instance,
            PhysicalType = Concept(PhysicalTypeSystem, "si"),
        };
        location.Extension.Add(new F.Extension(TimeZoneUrl, new F.Code(f.Zone.Id)));
        if (f.Hours is not null)
        {
            location.HoursOfOperation = [.. Opening(f.Hours)];
        }

        Add(location);
    }

    private void AddRoom(Room r)
    {
        var id = Id("Location", "room", r.Id);
        var location = new F.Location
        {
            Id = id,
            Identifier = Identity("room", r.Id, id),
            Status = F.Location.LocationStatus.Active,
            Mode = F.Location.LocationMode.Instance,
            Type = [.. r.Features.Select(feature => Concept(RoomFeatureSystem, feature))],
            PhysicalType = Concept(PhysicalTypeSystem, "ro"),
            PartOf = new F.ResourceReference(Ref("Location", "facility", r.FacilityId)),
        };
        if (r.Capacity != 1)
        {
            location.Extension.Add(new F.Extension(Capacity, new F.PositiveInt(r.Capacity)));
        }

        Add(location);
    }

    private void AddPool(EquipmentPool e)
    {
        var id = Id("Device", "equipment", e.Id);
        var device = new F.Device
        {
            Id = id,
            Identifier = Identity("equipment", e.Id, id),
            Type = Concept(EquipmentKindSystem, e.Kind),
            Location = new F.ResourceReference(Ref("Location", "facility", e.FacilityId)),
        };
        device.Extension.Add(new F.Extension(PoolCount, new F.PositiveInt(e.Count)));
        Add(device);
    }

    private void AddProvider(Provider p)
    {
        var id = Id("Practitioner", "provider", p.Id);
        var practitioner = new F.Practitioner { Id = id, Identifier = Identity("provider", p.Id, id) };
        if (p.DailyCap is { } cap)
        {
            practitioner.Extension.Add(new F.Extension(DailyCap, new F.PositiveInt(cap)));
        }

        Add(practitioner);

        // One role per facility, in the order the availability first names them; one role without a location when there is no availability.
        var groups = p.Availability.GroupBy(a => a.FacilityId, StringComparer.Ordinal).ToList();
        var first = true;
        foreach (var facility in groups.Count == 0 ? [null] : groups.Select(g => g.Key).Cast<string?>())
        {
            var role = new F.PractitionerRole
            {
                Id = FreshId("PractitionerRole", _kept.Roles.GetValueOrDefault($"{p.Id}|{facility}") ?? (groups.Count <= 1 ? id : $"{id}-{Id("Location", "facility", facility!)}")),
                Active = true,
                Practitioner = new F.ResourceReference($"Practitioner/{id}"),
                Specialty = [.. p.Skills.Select(s => Concept(SkillSystem, s))],
            };
            if (facility is not null)
            {
                role.Location = [new F.ResourceReference(Ref("Location", "facility", facility))];
                role.AvailableTime = [.. p.Availability.Where(a => a.FacilityId == facility).Select(a => Available(a.Hours))];
            }

            if (first)
            {
                role.NotAvailable = [.. p.TimeOff.Select(t => new F.PractitionerRole.NotAvailableComponent
                {
                    Description = "time off",
                    During = Period(t, TimeOffZone(p)),
                })];
                first = false;
            }

            Add(role);
        }
    }

    private static F.PractitionerRole.AvailableTimeComponent Available(WeeklyHours h)
    {
        var c = new F.PractitionerRole.AvailableTimeComponent { DaysOfWeekElement = [.. h.Days.Select(d => new F.Code<F.DaysOfWeek>(Day(d)))] };
        if (h.From == LocalTime.Midnight && h.EndsAtEndOfDay)
        {
            c.AllDay = true;
        }
        else
        {
            c.AvailableStartTime = Time(h.From, isEnd: false);
            c.AvailableEndTime = Time(h.To, isEnd: true);
        }

        return c;
    }

    private DateTimeZone TimeOffZone(Provider p) =>
        p.Availability.Count > 0 ? _facilities[p.Availability[0].FacilityId].Zone : DateTimeZone.Utc;

    private static F.Period Period(Interval block, DateTimeZone zone) =>
        new() { Start = DateTimeText(block.Start, zone), End = DateTimeText(block.End, zone) };

    private void AddPatient(Patient p)
    {
        var id = Id("Patient", "patient", p.Id);
        var patient = new F.Patient { Id = id, Identifier = Identity("patient", p.Id, id) };
        if (p.Zone is not null)
        {
            patient.Extension.Add(new F.Extension(TimeZoneUrl, new F.Code(p.Zone.Id)));
        }

        foreach (var h in p.Hours ?? [])
        {
            var ext = new F.Extension { Url = AvailableTime };
            foreach (var d in h.Days)
            {
                ext.Extension.Add(new F.Extension("daysOfWeek", new F.Code(Hl7.Fhir.Utility.EnumUtility.GetLiteral(Day(d)))));
            }

            if (h.From == LocalTime.Midnight && h.EndsAtEndOfDay)
            {
                ext.Extension.Add(new F.Extension("allDay", new F.FhirBoolean(true)));
            }
            else
            {
                ext.Extension.Add(new F.Extension("availableStartTime", new F.Time(Time(h.From, isEnd: false))));
                ext.Extension.Add(new F.Extension("availableEndTime", new F.Time(Time(h.To, isEnd: true))));
            }

            patient.Extension.Add(ext);
        }

        if (p.PreviousProviderId is { } previous)
        {
            patient.GeneralPractitioner = [new F.ResourceReference(Ref("Practitioner", "provider", previous))];
        }

        Add(patient);
    }

    private void AddType(AppointmentType t)
    {
        var id = Id("HealthcareService", "appointment-type", t.Id);
        var service = new F.HealthcareService
        {
            Id = id,
            Identifier = Identity("appointment-type", t.Id, id),
            Active = true,
            Type = [Concept(AppointmentTypeSystem, t.Id)],
            Specialty = t.ProviderSkill is { } skill ? [Concept(SkillSystem, skill)] : [],
            Characteristic = [.. t.RoomFeatures.Select(f => Concept(RoomFeatureSystem, f)), .. t.Equipment.Select(k => Concept(EquipmentKindSystem, k))],
        };
        service.Extension.Add(new F.Extension(FhirNames.Duration, FhirNames.Minutes(t.DurationMinutes)));
        if (t.BufferMinutes != 0)
        {
            service.Extension.Add(new F.Extension(BufferUrl, FhirNames.Minutes(t.BufferMinutes)));
        }

        Add(service);
    }

    private static F.RequestPriority PriorityCode(int weight) => weight switch
    {
        >= 100 => F.RequestPriority.Stat,
        >= 50 => F.RequestPriority.Asap,
        >= 10 => F.RequestPriority.Urgent,
        _ => F.RequestPriority.Routine,
    };

    private void AddRequest(AppointmentRequest r)
    {
        var id = Id("ServiceRequest", "request", r.Id);
        var request = new F.ServiceRequest
        {
            Id = id,
            Identifier = Identity("request", r.Id, id),
            Status = F.RequestStatus.Active,
            Intent = F.RequestIntent.Order,
            Priority = PriorityCode(r.Priority),
            Code = Concept(AppointmentTypeSystem, r.TypeId),
            Subject = new F.ResourceReference(Ref("Patient", "patient", r.PatientId)),
        };
        if (r.Earliest is not null || r.Latest is not null)
        {
            request.Occurrence = new F.Period
            {
                Start = r.Earliest is { } earliest ? Date(earliest) : null,
                End = r.Latest is { } latest ? Date(latest) : null,
            };
        }

        if (r.PreferredProviderId is { } preferred)
        {
            request.Performer = [new F.ResourceReference(Ref("Practitioner", "provider", preferred))];
        }

        request.Extension.Add(new F.Extension(PriorityWeight, new F.PositiveInt(r.Priority)));
        if (r.DurationMinutes is { } minutes)
        {
            request.Extension.Add(new F.Extension(FhirNames.Duration, FhirNames.Minutes(minutes)));
        }

        foreach (var link in r.After)
        {
            var follows = new F.Extension { Url = Follows };
            follows.Extension.Add(new F.Extension("request", new F.ResourceReference(Ref("ServiceRequest", "request", link.RequestId))));
            follows.Extension.Add(new F.Extension("minGapMinutes", new F.Integer(link.MinGapMinutes)));
            if (link.MaxGapMinutes is { } max)
            {
                follows.Extension.Add(new F.Extension("maxGapMinutes", new F.Integer(max)));
            }

            request.Extension.Add(follows);
        }

        Add(request);
    }

    private int Minutes(AppointmentRequest r) => r.DurationMinutes ?? _types[r.TypeId].DurationMinutes;

    private void AddAppointments(Schedule? schedule)
    {
        var fixedIds = _problem.Fixed.Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        foreach (var f in _problem.Fixed)
        {
            var r = _requests[f.RequestId];
            // Written in the zone of the facility the booking stands at: its room's, the one named, else the one the validation places it at.
            var zone = _facilities[FixedBookingRules.Place(_validated.Calendar, f).FacilityId].Zone;
            var end = f.Start + NodaTime.Duration.FromMinutes(Minutes(r));
            Add(Booked(r, f.ProviderId, f.RoomId, f.FacilityId, DateTime(f.Start, zone), DateTime(end, zone), solver: false));
        }

        if (schedule is null)
        {
            return;
        }

        foreach (var a in schedule.Assignments.Where(a => !fixedIds.Contains(a.RequestId)))
        {
            var appointment = Booked(_requests[a.RequestId], a.ProviderId, a.RoomId, a.FacilityId, a.Start.ToDateTimeOffset(), a.End.ToDateTimeOffset(), solver: true);
            Add(appointment);
        }

        foreach (var u in schedule.Unscheduled)
        {
            var r = _requests[u.RequestId];
            var appointment = new F.Appointment
            {
                Id = FreshId("Appointment", Id("ServiceRequest", "request", r.Id)),
                Status = F.Appointment.AppointmentStatus.Waitlist,
                BasedOn = [new F.ResourceReference(Ref("ServiceRequest", "request", r.Id))],
                Participant = [Participant(Ref("Patient", "patient", r.PatientId))],
            };
            var reason = new F.Extension { Url = Unscheduled };
            reason.Extension.Add(new F.Extension("reason", new F.Code(u.Reason.ToString())));
            reason.Extension.Add(new F.Extension("message", new F.FhirString(u.Message)));
            appointment.Extension.Add(reason);
            Add(appointment);
        }
    }

    private static F.Appointment.ParticipantComponent Participant(string reference) =>
        new() { Actor = new F.ResourceReference(reference), Status = F.ParticipationStatus.Accepted };

    private F.Appointment Booked(AppointmentRequest r, string? provider, string? room, string? facility, DateTimeOffset start, DateTimeOffset end, bool solver)
    {
        var appointment = new F.Appointment
        {
            Id = FreshId("Appointment", _kept.Appointments.GetValueOrDefault(r.Id) ?? Id("ServiceRequest", "request", r.Id)),
            Status = F.Appointment.AppointmentStatus.Booked,
            Start = start,
            End = end,
            MinutesDuration = (int)(end - start).TotalMinutes,
            BasedOn = [new F.ResourceReference(Ref("ServiceRequest", "request", r.Id))],
            ServiceType = [Concept(AppointmentTypeSystem, r.TypeId)],
        };
        appointment.Participant.Add(Participant(Ref("Patient", "patient", r.PatientId)));
        if (provider is not null)
        {
            appointment.Participant.Add(Participant(Ref("Practitioner", "provider", provider)));
        }

        if (room is not null)
        {
            appointment.Participant.Add(Participant(Ref("Location", "room", room)));
        }

        if (facility is not null)
        {
            appointment.Participant.Add(Participant(Ref("Location", "facility", facility)));
        }

        if (solver)
        {
            appointment.Extension.Add(new F.Extension(SolverAssignment, new F.FhirBoolean(true)));
        }

        return appointment;
    }

    private void AddSchedules(Schedule? schedule)
    {
        var horizon = new F.Period { Start = Date(_problem.Horizon.Start), End = Date(_problem.Horizon.End) };

        // What each provider and room is busy with: the fixed bookings, and the schedule's assignments when given.
        var busy = new List<(string? Provider, string? Room, Instant Start, Instant End, string Request)>();
        foreach (var f in _problem.Fixed)
        {
            busy.Add((f.ProviderId, f.RoomId, f.Start, f.Start + NodaTime.Duration.FromMinutes(Minutes(_requests[f.RequestId])), f.RequestId));
        }

        var fixedIds = _problem.Fixed.Select(f => f.RequestId).ToHashSet(StringComparer.Ordinal);
        foreach (var a in schedule?.Assignments.Where(a => !fixedIds.Contains(a.RequestId)) ?? [])
        {
            busy.Add((a.ProviderId, a.RoomId, a.Start.ToInstant(), a.End.ToInstant(), a.RequestId));
        }

        foreach (var p in _problem.Providers)
        {
            var practitioner = Ref("Practitioner", "provider", p.Id);
            var id = AddSchedule("provider", p.Id, practitioner, horizon);
            var zone = TimeOffZone(p);
            var taken = busy.Where(b => b.Provider == p.Id).Select(b => new Interval(b.Start, b.End)).Concat(p.TimeOff).ToList();

            // Free: each facility's availability blocks within its opening hours, less time off and bookings.
            foreach (var group in p.Availability.GroupBy(a => a.FacilityId, StringComparer.Ordinal))
            {
                var facility = _facilities[group.Key];
                var working = Intervals.Merge(group.SelectMany(a => Intervals.Weekly(a.Hours, facility.Zone, _problem.Horizon)));
                foreach (var free in Intervals.Subtract(Intervals.Intersect(working, Open(facility)), Intervals.Merge(taken)))
                {
                    AddSlot(id, F.Slot.SlotStatus.Free, free.Start, free.End, facility.Zone, overbooked: false);
                }
            }

            foreach (var b in busy.Where(b => b.Provider == p.Id).OrderBy(b => b.Start))
            {
                AddSlot(id, F.Slot.SlotStatus.Busy, b.Start, b.End, zone, overbooked: false);
            }
        }

        foreach (var r in _problem.Rooms)
        {
            var id = AddSchedule("room", r.Id, Ref("Location", "room", r.Id), horizon);
            var zone = _facilities[r.FacilityId].Zone;
            foreach (var block in r.Unavailable)
            {
                AddSlot(id, F.Slot.SlotStatus.BusyUnavailable, block.Start, block.End, zone, overbooked: false);
            }

            // The room is held until its turnover ends; a shared room holding several at once marks its slots overbooked.
            var held = busy.Where(b => b.Room == r.Id)
                .Select(b => (b.Start, End: b.End + NodaTime.Duration.FromMinutes(_types[_requests[b.Request].TypeId].BufferMinutes)))
                .OrderBy(b => b.Start).ToList();
            // Free: opening hours less blocks and the time the room is full.
            var full = Intervals.Full(held.Select(h => new Interval(h.Start, h.End)).ToList(), r.Capacity);
            foreach (var free in Intervals.Subtract(Open(_facilities[r.FacilityId]), Intervals.Merge([.. r.Unavailable, .. full])))
            {
                AddSlot(id, F.Slot.SlotStatus.Free, free.Start, free.End, zone, overbooked: false);
            }

            foreach (var b in held)
            {
                var shared = held.Count(o => o.Start < b.End && b.Start < o.End) > 1;
                AddSlot(id, F.Slot.SlotStatus.Busy, b.Start, b.End, zone, overbooked: shared);
            }
        }

        foreach (var p in _problem.Patients.Where(p => p.Unavailable.Count > 0))
        {
            var id = AddSchedule("patient", p.Id, Ref("Patient", "patient", p.Id), horizon);
            foreach (var block in p.Unavailable)
            {
                AddSlot(id, F.Slot.SlotStatus.BusyUnavailable, block.Start, block.End, p.Zone ?? DateTimeZone.Utc, overbooked: false);
            }
        }
    }

    /// <summary>When a facility is open over the horizon: its weekly hours, or every horizon date whole.</summary>
    private List<Interval> Open(Facility f) => f.Hours is null
        ? Intervals.Weekly(new WeeklyHours([.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)], LocalTime.Midnight, LocalTime.Midnight), f.Zone, _problem.Horizon)
        : Intervals.Merge(f.Hours.SelectMany(h => Intervals.Weekly(h, f.Zone, _problem.Horizon)));

    private string AddSchedule(string kind, string problemId, string actor, F.Period horizon)
    {
        var id = FreshId("Schedule", _kept.Schedules.GetValueOrDefault($"{kind}|{problemId}") ?? $"{kind}-{actor[(actor.IndexOf('/', StringComparison.Ordinal) + 1)..]}");
        Add(new F.Schedule
        {
            Id = id,
            Active = true,
            Actor = [new F.ResourceReference(actor)],
            PlanningHorizon = new F.Period { Start = horizon.Start, End = horizon.End },
        });
        return id;
    }

    private void AddSlot(string schedule, F.Slot.SlotStatus status, Instant start, Instant end, DateTimeZone zone, bool overbooked)
    {
        var slot = new F.Slot
        {
            Id = FreshId("Slot", $"{schedule}-{_entries.Count}"),
            Schedule = new F.ResourceReference($"Schedule/{schedule}"),
            Status = status,
            Start = DateTime(start, zone),
            End = DateTime(end, zone),
        };
        if (overbooked)
        {
            slot.Overbooked = true;
        }

        Add(slot);
    }
}
