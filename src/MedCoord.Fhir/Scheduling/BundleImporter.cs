using System.Globalization;
using System.Text.RegularExpressions;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Validation;
using NodaTime;
using NodaTime.Text;
using F = Hl7.Fhir.Model;
using static MedCoord.Fhir.Scheduling.FhirNames;

namespace MedCoord.Fhir.Scheduling;

/// <summary>Reads a scheduling problem out of a Bundle; every fault is reported with its resource and FHIRPath.</summary>
internal sealed partial class BundleImporter
{
    private static readonly HashSet<string> Accepted = new(StringComparer.Ordinal)
    {
        "Basic", "Location", "Device", "Practitioner", "PractitionerRole", "Patient", "HealthcareService", "ActivityDefinition",
        "ServiceRequest", "Appointment", "Schedule", "Slot",
    };

    private readonly List<ValidationError> _errors = [];
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Entry> _byReference = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _roleIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _appointmentIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _scheduleIds = new(StringComparer.Ordinal);

    private sealed record Entry(int Index, F.Resource Resource, string? FullUrl, string Label)
    {
        public string Type => Resource.TypeName;
    }

    public static (Problem? Problem, SchedulingResourceIds Ids, IReadOnlyList<ValidationError> Errors) Import(F.Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var importer = new BundleImporter();
        var problem = importer.Read(bundle);
        return importer._errors.Count > 0
            ? (null, SchedulingResourceIds.None, importer._errors)
            : (problem, new SchedulingResourceIds(importer._roleIds, importer._appointmentIds, importer._scheduleIds), []);
    }

    private void Error(Entry entry, string path, string message) => _errors.Add(new($"{entry.Label} at {path}", message));

    private Problem? Read(F.Bundle bundle)
    {
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var e = bundle.Entry[i];
            var resource = e.Resource;
            if (resource is null)
            {
                _errors.Add(new($"Bundle.entry[{i}]", "the entry holds no resource"));
                continue;
            }

            var label = resource.Id is { Length: > 0 } id ? $"{resource.TypeName}/{id}" : $"{resource.TypeName} (Bundle.entry[{i}])";
            var entry = new Entry(i, resource, e.FullUrl, label);
            var isOurBasic = resource is F.Basic basic && basic.Code?.Coding.Any(c => c.System == ResourceKindSystem && c.Code == ProblemCode) == true;
            if (!Accepted.Contains(resource.TypeName) || (resource is F.Basic && !isOurBasic))
            {
                Error(entry, resource.TypeName, $"resource type {resource.TypeName} is not part of a scheduling problem (accepted: {string.Join(", ", Accepted.Order(StringComparer.Ordinal))}; a Basic only with code {ResourceKindSystem}|{ProblemCode})");
                continue;
            }

            _entries.Add(entry);
            if (resource.Id is { Length: > 0 })
            {
                if (!_byReference.TryAdd($"{resource.TypeName}/{resource.Id}", entry))
                {
                    Error(entry, $"{resource.TypeName}.id", $"another {resource.TypeName} in the bundle has the id '{resource.Id}'");
                }
            }

            if (e.FullUrl is { Length: > 0 } url)
            {
                _byReference.TryAdd(url, entry);
            }
        }

        var problemEntry = _entries.FirstOrDefault(e => e.Resource is F.Basic);
        var locations = _entries.Where(e => e.Resource is F.Location).ToList();
        var facilities = new List<(Entry Entry, Facility Facility)>();
        var rooms = new List<(Entry Entry, Room Room)>();
        foreach (var e in locations.Where(e => ((F.Location)e.Resource).PartOf is null))
        {
            facilities.Add((e, ReadFacility(e)));
        }

        foreach (var e in locations.Where(e => ((F.Location)e.Resource).PartOf is not null))
        {
            if (ReadRoom(e) is { } room)
            {
                rooms.Add((e, room));
            }
        }

        var pools = _entries.Where(e => e.Resource is F.Device).Select(e => (e, Pool: ReadPool(e))).Where(p => p.Pool is not null).Select(p => (p.e, p.Pool!)).ToList();
        var roles = _entries.Where(e => e.Resource is F.PractitionerRole).ToList();
        var providers = _entries.Where(e => e.Resource is F.Practitioner).Select(e => (e, Provider: ReadProvider(e, roles))).ToList();
        foreach (var role in roles)
        {
            Resolve(role, "PractitionerRole.practitioner", ((F.PractitionerRole)role.Resource).Practitioner, "Practitioner");
        }

        var patients = _entries.Where(e => e.Resource is F.Patient).Select(e => (e, Patient: ReadPatient(e))).ToList();
        var typeEntries = _entries.Where(e => e.Resource is F.HealthcareService or F.ActivityDefinition).ToList();
        var types = typeEntries.Select(e => (e, Type: ReadType(e))).ToList();
        var requests = _entries.Where(e => e.Resource is F.ServiceRequest).Select(e => (e, Request: ReadRequest(e, typeEntries))).ToList();
        var fixedBookings = new List<(Entry, FixedBooking)>();
        foreach (var e in _entries.Where(e => e.Resource is F.Appointment))
        {
            if (ReadFixed(e) is { } booking)
            {
                fixedBookings.Add((e, booking));
            }
        }

        // Busy-unavailable slots: room blocks, provider time off, patient absences.
        var blocked = ReadBlockedSlots();
        var series = problemEntry is null ? [] : ReadSeries(problemEntry);
        var options = problemEntry is null ? null : ReadOptions(problemEntry);
        var horizon = ReadHorizon(problemEntry, requests.Select(r => r.Request).Where(r => r is not null).Select(r => r!).ToList());
        if (_errors.Count > 0 || horizon is null)
        {
            return null;
        }

        IReadOnlyList<Interval> Blocks(Entry e) => blocked.TryGetValue(e, out var list) ? list : [];
        var problem = new Problem(
            horizon,
            [.. facilities.Select(f => f.Facility)],
            [.. rooms.Select(r => r.Room with { Unavailable = Blocks(r.Entry) })],
            [.. providers.Select(p => p.Provider with { TimeOff = [.. p.Provider.TimeOff, .. Blocks(p.e), .. roles.Where(r => RoleOf(r) == p.e).SelectMany(Blocks)] })],
            [.. patients.Select(p => p.Patient with { Unavailable = Blocks(p.e) })],
            [.. types.Select(t => t.Type!)],
            [.. requests.Select(r => r.Request!)],
            [.. fixedBookings.Select(f => f.Item2)],
            options,
            [.. pools.Select(p => p.Item2)],
            [.. series.Select(s => s.Series)]);

        var lists = new Dictionary<string, IReadOnlyList<Entry>>(StringComparer.Ordinal)
        {
            ["facilities"] = [.. facilities.Select(f => f.Entry)],
            ["rooms"] = [.. rooms.Select(r => r.Entry)],
            ["providers"] = [.. providers.Select(p => p.e)],
            ["patients"] = [.. patients.Select(p => p.e)],
            ["appointmentTypes"] = [.. types.Select(t => t.e)],
            ["requests"] = [.. requests.Select(r => r.e)],
            ["fixed"] = [.. fixedBookings.Select(f => f.Item1)],
            ["equipment"] = [.. pools.Select(p => p.e)],
        };
        foreach (var error in ValidatedProblem.TryCreate(problem, out _))
        {
            var match = ListPath().Match(error.Path);
            var label = match.Success && lists.TryGetValue(match.Groups[1].Value, out var list) && int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) is var index && index < list.Count
                ? list[index].Label
                : problemEntry?.Label ?? "Bundle";
            _errors.Add(new($"{label} as {error.Path}", error.Message));
        }

        return _errors.Count > 0 ? null : problem;
    }

    [GeneratedRegex(@"^(\w+)\[(\d+)\]")]
    private static partial Regex ListPath();

    /// <summary>The problem's id of a resource: the MedCoord identifier where the export had to rename it, else the resource id, else the fullUrl's uuid.</summary>
    private static string ProblemId(Entry e, string kind)
    {
        var identifiers = e.Resource switch
        {
            F.Location l => l.Identifier,
            F.Device d => d.Identifier,
            F.Practitioner p => p.Identifier,
            F.Patient p => p.Identifier,
            F.HealthcareService h => h.Identifier,
            F.ActivityDefinition a => a.Identifier,
            F.ServiceRequest s => s.Identifier,
            _ => [],
        };
        return identifiers.FirstOrDefault(i => i.System == IdSystem + kind)?.Value
            ?? (e.Resource.Id is { Length: > 0 } id ? id
            : e.FullUrl?.StartsWith("urn:uuid:", StringComparison.Ordinal) == true ? e.FullUrl["urn:uuid:".Length..]
            : $"entry-{e.Index}");
    }

    private Entry? Resolve(Entry from, string path, F.ResourceReference? reference, params string[] types)
    {
        if (reference?.Reference is not { Length: > 0 } text)
        {
            Error(from, path, $"missing reference (expected {string.Join(" or ", types)})");
            return null;
        }

        var target = ResourceLookup.Resolve(_byReference, text);

        if (target is null)
        {
            Error(from, path, $"reference '{text}' names no resource in the bundle");
            return null;
        }

        if (!types.Contains(target.Type))
        {
            Error(from, path, $"reference '{text}' is a {target.Type}, expected {string.Join(" or ", types)}");
            return null;
        }

        return target;
    }

    private static IEnumerable<F.Extension> Extensions(F.Resource resource, string url) =>
        resource is F.DomainResource d ? d.Extension.Where(x => x.Url == url) : resource is F.Basic b ? b.Extension.Where(x => x.Url == url) : [];

    private DateTimeZone? Zone(Entry e, string resourcePath, bool required)
    {
        var ext = Extensions(e.Resource, TimeZoneUrl).FirstOrDefault();
        var path = $"{resourcePath}.extension('{TimeZoneUrl}')";
        if (ext is null)
        {
            if (required)
            {
                Error(e, path, "a facility needs its time zone (the timezone extension, an IANA tzdb id)");
            }

            return null;
        }

        var id = (ext.Value as F.Code)?.Value ?? (ext.Value as F.FhirString)?.Value;
        if (id is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is not { } zone)
        {
            Error(e, path + ".value", id is null ? "the time zone is not a code" : $"unknown time zone '{id}' (an IANA tzdb id)");
            return null;
        }

        return zone;
    }

    private Facility ReadFacility(Entry e)
    {
        var location = (F.Location)e.Resource;
        var zone = Zone(e, "Location", required: true);
        IReadOnlyList<WeeklyHours>? hours = location.HoursOfOperation.Count == 0 ? null : [.. location.HoursOfOperation.Select((h, i) =>
            Weekly(e, $"Location.hoursOfOperation[{i}]", h.DaysOfWeekElement, h.AllDay, h.OpeningTime, h.ClosingTime, "openingTime", "closingTime")).OfType<WeeklyHours>()];
        var id = ProblemId(e, "facility");
        return new Facility(id, zone ?? DateTimeZone.Utc, hours);
    }

    /// <summary>The facility a location belongs to: itself when it has no partOf, else the root of its partOf chain.</summary>
    private Entry? FacilityEntry(Entry e, string path)
    {
        var seen = new HashSet<Entry>();
        var current = e;
        while (((F.Location)current.Resource).PartOf is { } parent)
        {
            if (!seen.Add(current))
            {
                Error(e, path, "the partOf chain is a cycle");
                return null;
            }

            if (Resolve(e, path, parent, "Location") is not { } next)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private Room? ReadRoom(Entry e)
    {
        var location = (F.Location)e.Resource;
        if (FacilityEntry(e, "Location.partOf") is not { } facility)
        {
            return null;
        }

        var capacity = 1;
        if (Extensions(location, Capacity).FirstOrDefault() is { } ext)
        {
            if (Whole(ext.Value) is { } c)
            {
                capacity = c;
            }
            else
            {
                Error(e, $"Location.extension('{Capacity}').value", "the capacity is not a whole number");
            }
        }

        var features = location.Type.SelectMany(t => t.Coding).Where(c => c.Code is not null).Select(c => c.Code!).Distinct(StringComparer.Ordinal).ToList();
        return new Room(ProblemId(e, "room"), ProblemId(facility, "facility"), features, [], capacity);
    }

    private static int? Whole(F.DataType? value) => value switch
    {
        F.Integer i => i.Value,
        F.PositiveInt p => p.Value,
        F.UnsignedInt u => u.Value,
        F.FhirDecimal d when d.Value is { } v && v == decimal.Truncate(v) && Math.Abs(v) < int.MaxValue => (int)v,
        _ => null,
    };

    private EquipmentPool? ReadPool(Entry e)
    {
        var device = (F.Device)e.Resource;
        var kind = device.Type?.Coding.FirstOrDefault(c => c.System == EquipmentKindSystem)?.Code ?? device.Type?.Coding.FirstOrDefault()?.Code;
        if (kind is null)
        {
            Error(e, "Device.type", "an equipment pool needs its kind (a coding)");
        }

        var location = Resolve(e, "Device.location", device.Location, "Location");
        var facility = location is null ? null : FacilityEntry(location, "Device.location");
        var count = 1;
        if (Extensions(device, PoolCount).FirstOrDefault() is { } ext)
        {
            if (Whole(ext.Value) is { } c)
            {
                count = c;
            }
            else
            {
                Error(e, $"Device.extension('{PoolCount}').value", "the count is not a whole number");
            }
        }

        return kind is null || facility is null ? null : new EquipmentPool(ProblemId(e, "equipment"), ProblemId(facility, "facility"), kind, count);
    }

    private Entry? RoleOf(Entry role) =>
        ((F.PractitionerRole)role.Resource).Practitioner?.Reference is { } text
            ? ResourceLookup.Resolve(_byReference, text)
            : null;

    private Provider ReadProvider(Entry e, List<Entry> roles)
    {
        var skills = new List<string>();
        var availability = new List<ProviderAvailability>();
        var timeOff = new List<Interval>();
        foreach (var roleEntry in roles.Where(r => RoleOf(r) == e))
        {
            var role = (F.PractitionerRole)roleEntry.Resource;
            foreach (var code in role.Specialty.SelectMany(s => s.Coding).Where(c => c.Code is not null).Select(c => c.Code!))
            {
                if (!skills.Contains(code, StringComparer.Ordinal))
                {
                    skills.Add(code);
                }
            }

            if (role.AvailableTime.Count > 0)
            {
                string? facility = null;
                if (role.Location.Count == 1)
                {
                    if (Resolve(roleEntry, "PractitionerRole.location[0]", role.Location[0], "Location") is { } location
                        && FacilityEntry(location, "PractitionerRole.location[0]") is { } root)
                    {
                        facility = ProblemId(root, "facility");
                    }
                }
                else
                {
                    var roots = _entries.Where(x => x.Resource is F.Location { PartOf: null }).ToList();
                    if (role.Location.Count == 0 && roots.Count == 1)
                    {
                        facility = ProblemId(roots[0], "facility");
                    }
                    else
                    {
                        Error(roleEntry, "PractitionerRole.location", $"availableTime needs exactly one location to say where it applies, found {role.Location.Count}");
                    }
                }

                if (role.Id is { Length: > 0 } roleId && facility is not null)
                {
                    _roleIds.TryAdd($"{ProblemId(e, "provider")}|{facility}", roleId);
                }

                for (var i = 0; i < role.AvailableTime.Count; i++)
                {
                    var t = role.AvailableTime[i];
                    if (Weekly(roleEntry, $"PractitionerRole.availableTime[{i}]", t.DaysOfWeekElement, t.AllDay, t.AvailableStartTime, t.AvailableEndTime, "availableStartTime", "availableEndTime") is { } hours && facility is not null)
                    {
                        availability.Add(new ProviderAvailability(facility, hours));
                    }
                }
            }

            else if (role.Id is { Length: > 0 } roleId)
            {
                _roleIds.TryAdd($"{ProblemId(e, "provider")}|", roleId);
            }

            for (var i = 0; i < role.NotAvailable.Count; i++)
            {
                if (role.NotAvailable[i].During is not { } during)
                {
                    Error(roleEntry, $"PractitionerRole.notAvailable[{i}].during", "time off needs its period (start and end with an offset)");
                }
                else if (Block(roleEntry, $"PractitionerRole.notAvailable[{i}].during", during.Start, during.End) is { } block)
                {
                    timeOff.Add(block);
                }
            }
        }

        int? cap = null;
        if (Extensions(e.Resource, DailyCap).FirstOrDefault() is { } ext)
        {
            cap = Whole(ext.Value);
            if (cap is null)
            {
                Error(e, $"Practitioner.extension('{DailyCap}').value", "the daily cap is not a whole number");
            }
        }

        return new Provider(ProblemId(e, "provider"), skills, availability, timeOff, cap);
    }

    private Patient ReadPatient(Entry e)
    {
        var patient = (F.Patient)e.Resource;
        var zone = Zone(e, "Patient", required: false);
        List<WeeklyHours>? hours = null;
        var exts = Extensions(patient, AvailableTime).ToList();
        for (var i = 0; i < exts.Count; i++)
        {
            var x = exts[i];
            var days = x.Extension.Where(s => s.Url == "daysOfWeek").Select(s => (s.Value as F.Code)?.Value).ToList();
            var parsedDays = new List<F.Code<F.DaysOfWeek>>();
            var path = $"Patient.extension('{AvailableTime}')[{i}]";
            foreach (var d in days)
            {
                if (d is not null && Hl7.Fhir.Utility.EnumUtility.ParseLiteral<F.DaysOfWeek>(d) is { } day)
                {
                    parsedDays.Add(new F.Code<F.DaysOfWeek>(day));
                }
                else
                {
                    Error(e, $"{path}.extension('daysOfWeek')", $"not a day of the week: '{d}' (mon … sun)");
                }
            }

            var allDay = (x.Extension.FirstOrDefault(s => s.Url == "allDay")?.Value as F.FhirBoolean)?.Value;
            var from = (x.Extension.FirstOrDefault(s => s.Url == "availableStartTime")?.Value as F.Time)?.Value;
            var to = (x.Extension.FirstOrDefault(s => s.Url == "availableEndTime")?.Value as F.Time)?.Value;
            if (Weekly(e, path, parsedDays, allDay, from, to, "extension('availableStartTime')", "extension('availableEndTime')") is { } h)
            {
                (hours ??= []).Add(h);
            }
        }

        string? previous = null;
        if (patient.GeneralPractitioner.Count > 0
            && Resolve(e, "Patient.generalPractitioner[0]", patient.GeneralPractitioner[0], "Practitioner", "PractitionerRole") is { } gp)
        {
            var practitioner = gp.Resource is F.PractitionerRole ? RoleOf(gp) : gp;
            previous = practitioner is null ? null : ProblemId(practitioner, "provider");
        }

        return new Patient(ProblemId(e, "patient"), zone, hours, [], previous);
    }

    private AppointmentType? ReadType(Entry e)
    {
        string? skill = null;
        int? duration = null;
        IEnumerable<F.CodeableConcept> characteristics;
        string path;
        if (e.Resource is F.HealthcareService service)
        {
            path = "HealthcareService";
            var skills = service.Specialty.SelectMany(s => s.Coding).Where(c => c.Code is not null).Select(c => c.Code!).Distinct(StringComparer.Ordinal).ToList();
            if (skills.Count > 1)
            {
                Error(e, "HealthcareService.specialty", $"an appointment type needs at most one provider skill, found {skills.Count}");
            }

            skill = skills.FirstOrDefault();
            characteristics = service.Characteristic;
            if (Extensions(service, FhirNames.Duration).FirstOrDefault() is { } ext)
            {
                duration = Minutes(e, $"HealthcareService.extension('{FhirNames.Duration}').value", ext.Value);
            }
            else
            {
                Error(e, $"HealthcareService.extension('{FhirNames.Duration}')", "an appointment type needs its duration (the duration extension, a Duration in minutes)");
            }
        }
        else
        {
            var definition = (F.ActivityDefinition)e.Resource;
            path = "ActivityDefinition";
            var skills = definition.Participant.Where(p => p.Type == F.ActionParticipantType.Practitioner).SelectMany(p => p.Role?.Coding ?? []).Where(c => c.Code is not null).Select(c => c.Code!).Distinct(StringComparer.Ordinal).ToList();
            if (skills.Count > 1)
            {
                Error(e, "ActivityDefinition.participant", $"an appointment type needs at most one provider skill, found {skills.Count}");
            }

            skill = skills.FirstOrDefault();
            characteristics = Extensions(definition, Characteristic).Select(x => x.Value).OfType<F.CodeableConcept>();
            if (definition.Timing is F.Duration timing)
            {
                duration = Minutes(e, "ActivityDefinition.timing.ofType(Duration)", timing);
            }
            else
            {
                Error(e, "ActivityDefinition.timing", "an appointment type needs its duration (timingDuration, in minutes)");
            }
        }

        var codings = characteristics.SelectMany(c => c.Coding).Where(c => c.Code is not null).ToList();
        var equipment = codings.Where(c => c.System == EquipmentKindSystem).Select(c => c.Code!).ToList();
        var features = codings.Where(c => c.System != EquipmentKindSystem).Select(c => c.Code!).ToList();
        var buffer = 0;
        if (Extensions(e.Resource, BufferUrl).FirstOrDefault() is { } b)
        {
            buffer = Minutes(e, $"{path}.extension('{BufferUrl}').value", b.Value) ?? 0;
        }

        return duration is null ? null : new AppointmentType(ProblemId(e, "appointment-type"), duration.Value, skill, features, buffer, equipment);
    }

    private int? Minutes(Entry e, string path, F.DataType? value)
    {
        if (value is F.Duration { Value: { } amount } d && amount == decimal.Truncate(amount) && Math.Abs(amount) < 1_000_000)
        {
            var unit = d.Code ?? d.Unit;
            switch (unit)
            {
                case "min":
                    return (int)amount;
                case "h":
                    return (int)amount * 60;
            }
        }

        Error(e, path, "not a whole number of minutes (a Duration with code 'min' or 'h')");
        return null;
    }

    private AppointmentRequest? ReadRequest(Entry e, List<Entry> typeEntries)
    {
        var request = (F.ServiceRequest)e.Resource;
        var patient = Resolve(e, "ServiceRequest.subject", request.Subject, "Patient");
        Entry? type = null;
        var codes = request.Code?.Coding ?? [];
        foreach (var t in typeEntries)
        {
            var typeCodes = t.Resource is F.HealthcareService h ? h.Type.SelectMany(c => c.Coding) : ((F.ActivityDefinition)t.Resource).Code?.Coding ?? [];
            if (typeCodes.Any(tc => codes.Any(c => c.System == tc.System && c.Code == tc.Code)))
            {
                type = t;
                break;
            }
        }

        foreach (var canonical in request.InstantiatesCanonical)
        {
            type ??= typeEntries.FirstOrDefault(t => t.Resource is F.ActivityDefinition a && (a.Url == canonical || $"ActivityDefinition/{a.Id}" == canonical));
        }

        if (type is null)
        {
            Error(e, request.InstantiatesCanonical.Any() ? "ServiceRequest.instantiatesCanonical" : "ServiceRequest.code",
                "names no appointment type in the bundle (a HealthcareService.type or ActivityDefinition.code coding, or an ActivityDefinition's canonical)");
        }

        LocalDate? earliest = null, latest = null;
        switch (request.Occurrence)
        {
            case null:
                break;
            case F.Period period:
                earliest = period.Start is null ? null : DateOf(e, "ServiceRequest.occurrence.ofType(Period).start", period.Start);
                latest = period.End is null ? null : DateOf(e, "ServiceRequest.occurrence.ofType(Period).end", period.End);
                break;
            case F.FhirDateTime at:
                earliest = latest = DateOf(e, "ServiceRequest.occurrence.ofType(dateTime)", at.Value);
                break;
            default:
                Error(e, "ServiceRequest.occurrence", "the window must be an occurrencePeriod (or an occurrenceDateTime for one date)");
                break;
        }

        var priority = request.Priority switch
        {
            F.RequestPriority.Urgent => 10,
            F.RequestPriority.Asap => 50,
            F.RequestPriority.Stat => 100,
            _ => 1,
        };
        if (Extensions(request, PriorityWeight).FirstOrDefault() is { } weight)
        {
            if (Whole(weight.Value) is { } w)
            {
                priority = w;
            }
            else
            {
                Error(e, $"ServiceRequest.extension('{PriorityWeight}').value", "the priority weight is not a whole number");
            }
        }

        int? duration = Extensions(request, FhirNames.Duration).FirstOrDefault() is { } d
            ? Minutes(e, $"ServiceRequest.extension('{FhirNames.Duration}').value", d.Value)
            : null;
        string? preferred = null;
        if (request.Performer.Count > 0 && Resolve(e, "ServiceRequest.performer[0]", request.Performer[0], "Practitioner", "PractitionerRole") is { } performer)
        {
            var practitioner = performer.Resource is F.PractitionerRole ? RoleOf(performer) : performer;
            preferred = practitioner is null ? null : ProblemId(practitioner, "provider");
        }

        var links = new List<RequestLink>();
        var follows = Extensions(request, Follows).ToList();
        for (var i = 0; i < follows.Count; i++)
        {
            var path = $"ServiceRequest.extension('{Follows}')[{i}]";
            var target = Resolve(e, $"{path}.extension('request').value", follows[i].Extension.FirstOrDefault(x => x.Url == "request")?.Value as F.ResourceReference, "ServiceRequest");
            var min = follows[i].Extension.FirstOrDefault(x => x.Url == "minGapMinutes")?.Value;
            var max = follows[i].Extension.FirstOrDefault(x => x.Url == "maxGapMinutes")?.Value;
            if (target is not null)
            {
                links.Add(new RequestLink(ProblemId(target, "request"), min is null ? 0 : Whole(min) ?? 0, max is null ? null : Whole(max)));
            }
        }

        return patient is null || type is null
            ? null
            : new AppointmentRequest(ProblemId(e, "request"), ProblemId(patient, "patient"), ProblemId(type, "appointment-type"), earliest, latest, priority, duration, preferred, links);
    }

    private LocalDate? DateOf(Entry e, string path, string? text)
    {
        if (text is not null && text.Length >= 10 && LocalDatePattern.Iso.Parse(text[..10]) is { Success: true } date)
        {
            return date.Value;
        }

        Error(e, path, "not a date (YYYY-MM-DD, or a date-time whose date is read as written)");
        return null;
    }

    private static readonly HashSet<F.Appointment.AppointmentStatus> Held =
    [
        F.Appointment.AppointmentStatus.Booked, F.Appointment.AppointmentStatus.Arrived, F.Appointment.AppointmentStatus.CheckedIn, F.Appointment.AppointmentStatus.Fulfilled,
    ];

    private FixedBooking? ReadFixed(Entry e)
    {
        var appointment = (F.Appointment)e.Resource;
        if (appointment.Status is not { } status || !Held.Contains(status) || Extensions(appointment, SolverAssignment).Any(x => (x.Value as F.FhirBoolean)?.Value == true))
        {
            return null;
        }

        var request = appointment.BasedOn.Count == 0 ? null : Resolve(e, "Appointment.basedOn[0]", appointment.BasedOn[0], "ServiceRequest");
        if (appointment.BasedOn.Count == 0)
        {
            Error(e, "Appointment.basedOn", "a booked appointment must name its ServiceRequest");
        }

        if (appointment.Start is null)
        {
            Error(e, "Appointment.start", "a booked appointment needs its start");
        }

        string? provider = null, room = null, facility = null;
        for (var i = 0; i < appointment.Participant.Count; i++)
        {
            var path = $"Appointment.participant[{i}].actor";
            if (appointment.Participant[i].Actor is null)
            {
                continue;
            }

            var actor = Resolve(e, path, appointment.Participant[i].Actor, "Patient", "Practitioner", "PractitionerRole", "Location", "HealthcareService", "Device");
            switch (actor?.Resource)
            {
                case F.Practitioner:
                    provider = ProblemId(actor, "provider");
                    break;
                case F.PractitionerRole:
                    provider = RoleOf(actor) is { } p ? ProblemId(p, "provider") : null;
                    break;
                case F.Location { PartOf: null }:
                    facility = ProblemId(actor, "facility");
                    break;
                case F.Location:
                    room = ProblemId(actor, "room");
                    break;
            }
        }

        if (request is null || appointment.Start is null)
        {
            return null;
        }

        if (appointment.Id is { Length: > 0 } appointmentId)
        {
            _appointmentIds.TryAdd(ProblemId(request, "request"), appointmentId);
        }

        return new FixedBooking(ProblemId(request, "request"), provider, room, Instant.FromDateTimeOffset(appointment.Start.Value), facility);
    }

    private Dictionary<Entry, List<Interval>> ReadBlockedSlots()
    {
        var blocked = new Dictionary<Entry, List<Interval>>();
        var actors = new Dictionary<Entry, List<Entry>>();
        foreach (var e in _entries.Where(e => e.Resource is F.Schedule))
        {
            var schedule = (F.Schedule)e.Resource;
            actors[e] = [];
            for (var i = 0; i < schedule.Actor.Count; i++)
            {
                if (Resolve(e, $"Schedule.actor[{i}]", schedule.Actor[i], "Practitioner", "PractitionerRole", "Location", "Patient", "HealthcareService", "Device") is { } actor)
                {
                    actors[e].Add(actor);
                    var target = actor.Resource is F.PractitionerRole ? RoleOf(actor) : actor;
                    var key = target?.Resource switch
                    {
                        F.Practitioner => $"provider|{ProblemId(target, "provider")}",
                        F.Location { PartOf: not null } => $"room|{ProblemId(target, "room")}",
                        F.Patient => $"patient|{ProblemId(target, "patient")}",
                        _ => null,
                    };
                    if (key is not null && schedule.Id is { Length: > 0 } scheduleId)
                    {
                        _scheduleIds.TryAdd(key, scheduleId);
                    }
                }
            }
        }

        foreach (var e in _entries.Where(e => e.Resource is F.Slot))
        {
            var slot = (F.Slot)e.Resource;
            var schedule = Resolve(e, "Slot.schedule", slot.Schedule, "Schedule");
            if (schedule is null || slot.Status != F.Slot.SlotStatus.BusyUnavailable)
            {
                continue;
            }

            var (start, end) = (slot.Start, slot.End);
            if (start is null || end is null || end <= start)
            {
                Error(e, "Slot.end", "a busy-unavailable slot needs a start and a later end");
                continue;
            }

            foreach (var actor in actors[schedule])
            {
                var target = actor.Resource is F.PractitionerRole ? RoleOf(actor) : actor;
                if (target is not null)
                {
                    (blocked.TryGetValue(target, out var list) ? list : blocked[target] = []).Add(new Interval(Instant.FromDateTimeOffset(start.Value), Instant.FromDateTimeOffset(end.Value)));
                }
            }
        }

        return blocked;
    }

    private List<(Entry Entry, RequestSeries Series)> ReadSeries(Entry e)
    {
        var result = new List<(Entry, RequestSeries)>();
        var all = Extensions(e.Resource, Series).ToList();
        for (var i = 0; i < all.Count; i++)
        {
            var path = $"Basic.extension('{Series}')[{i}]";
            var x = all[i].Extension;
            var id = (x.FirstOrDefault(s => s.Url == "id")?.Value as F.FhirString)?.Value ?? $"series-{i + 1}";
            var requests = new List<string>();
            var refs = x.Where(s => s.Url == "request").ToList();
            for (var k = 0; k < refs.Count; k++)
            {
                if (Resolve(e, $"{path}.extension('request')[{k}].value", refs[k].Value as F.ResourceReference, "ServiceRequest") is { } r)
                {
                    requests.Add(ProblemId(r, "request"));
                }
            }

            var interval = Whole(x.FirstOrDefault(s => s.Url == "intervalDays")?.Value);
            if (interval is null)
            {
                Error(e, $"{path}.extension('intervalDays')", "a series needs its interval in days (an integer)");
                continue;
            }

            var tolerance = Whole(x.FirstOrDefault(s => s.Url == "toleranceMinutes")?.Value) ?? 0;
            var same = (x.FirstOrDefault(s => s.Url == "sameProvider")?.Value as F.FhirBoolean)?.Value ?? true;
            result.Add((e, new RequestSeries(id, requests, interval.Value, tolerance, same)));
        }

        return result;
    }

    private SolveOptions? ReadOptions(Entry e)
    {
        if (Extensions(e.Resource, Options).FirstOrDefault() is not { } ext)
        {
            return null;
        }

        F.DataType? Value(List<F.Extension> list, string name) => list.FirstOrDefault(s => s.Url == name)?.Value;
        var x = ext.Extension;
        var seconds = (Value(x, "timeLimitSeconds") as F.FhirDecimal)?.Value;
        SoftRuleWeights? soft = null;
        if (x.FirstOrDefault(s => s.Url == "softRules") is { } rules)
        {
            soft = new SoftRuleWeights(Whole(Value(rules.Extension, "continuityWeight")) ?? 0, Whole(Value(rules.Extension, "dailyCapWeight")) ?? 0,
                Whole(Value(rules.Extension, "dailyCap")), Whole(Value(rules.Extension, "balanceWeight")) ?? 0);
        }

        return new SolveOptions(seconds is { } s ? SolveOptions.TimeLimitFromSeconds((double)s) : null, Whole(Value(x, "workers")), Whole(Value(x, "seed")), soft)
        {
            Conservative = (Value(x, "conservative") as F.FhirBoolean)?.Value,
        };
    }

    private DateInterval? ReadHorizon(Entry? problem, List<AppointmentRequest> requests)
    {
        F.Period? period = null;
        Entry? from = null;
        string path = "";
        if (problem is not null && Extensions(problem.Resource, Horizon).FirstOrDefault() is { } ext)
        {
            period = ext.Value as F.Period;
            (from, path) = (problem, $"Basic.extension('{Horizon}').value");
        }
        else if (_entries.FirstOrDefault(e => e.Resource is F.Schedule { PlanningHorizon: not null }) is { } schedule)
        {
            period = ((F.Schedule)schedule.Resource).PlanningHorizon;
            (from, path) = (schedule, "Schedule.planningHorizon");
        }

        if (from is not null)
        {
            var start = DateOf(from, path + ".start", period?.Start);
            var end = DateOf(from, path + ".end", period?.End);
            if (start is null || end is null)
            {
                return null;
            }

            if (end < start)
            {
                Error(from, path + ".end", "the horizon ends before it starts");
                return null;
            }

            return new DateInterval(start.Value, end.Value);
        }

        // A bundle without either: the span of the request windows.
        var dates = requests.SelectMany(r => new[] { r.Earliest, r.Latest }).OfType<LocalDate>().ToList();
        if (dates.Count == 0)
        {
            _errors.Add(new("Bundle", $"no horizon: give it as a Basic ({ResourceKindSystem}|{ProblemCode}) with the horizon extension, a Schedule.planningHorizon, or request windows"));
            return null;
        }

        return new DateInterval(dates.Min(), dates.Max());
    }

    /// <summary>A weekly block from FHIR's days, allDay and start/end times (HH:MM or HH:MM:SS; 23:59:59 as an end is 24:00).</summary>
    private WeeklyHours? Weekly(Entry e, string path, IEnumerable<F.Code<F.DaysOfWeek>> daysElement, bool? allDay, string? from, string? to, string fromName, string toName)
    {
        var days = daysElement.Select(d => d.Value).OfType<F.DaysOfWeek>().Select(Day).Distinct().ToList();
        var ok = true;
        if (days.Count == 0)
        {
            Error(e, $"{path}.daysOfWeek", "a weekly block needs at least one day of the week");
            ok = false;
        }

        if (allDay == true && from is null && to is null)
        {
            return ok ? new WeeklyHours(days, LocalTime.Midnight, LocalTime.Midnight) : null;
        }

        var start = ClockTime(e, $"{path}.{fromName}", from, isEnd: false);
        var end = ClockTime(e, $"{path}.{toName}", to, isEnd: true);
        if (start is null || end is null || !ok)
        {
            return null;
        }

        if (end != LocalTime.Midnight && end <= start)
        {
            Error(e, $"{path}.{toName}", $"the block must end after it starts ({from} to {to})");
            return null;
        }

        return new WeeklyHours(days, start.Value, end.Value);
    }

    private LocalTime? ClockTime(Entry e, string path, string? text, bool isEnd)
    {
        if (text is null)
        {
            Error(e, path, "missing time (give both times, or allDay)");
            return null;
        }

        var match = ClockPattern().Match(text);
        if (!match.Success)
        {
            Error(e, path, $"not a time '{text}' (HH:MM:SS)");
            return null;
        }

        var (hour, minute, second) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
            match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0);
        if (isEnd && ((hour == 23 && minute == 59 && second == 59) || (hour == 24 && minute == 0 && second == 0)))
        {
            return LocalTime.Midnight;
        }

        if (hour > 23 || minute > 59 || second != 0 || match.Groups[4].Success)
        {
            Error(e, path, $"not a time on the minute '{text}' (HH:MM:00; 23:59:59 as an end stands for 24:00)");
            return null;
        }

        return new LocalTime(hour, minute);
    }

    [GeneratedRegex(@"^(\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?$")]
    private static partial Regex ClockPattern();

    private Interval? Block(Entry e, string path, string? start, string? end)
    {
        var from = Moment(e, path + ".start", start);
        var to = Moment(e, path + ".end", end);
        if (from is null || to is null)
        {
            return null;
        }

        if (to <= from)
        {
            Error(e, path + ".end", "the period must end after it starts");
            return null;
        }

        return new Interval(from.Value, to.Value);
    }

    private Instant? Moment(Entry e, string path, string? text)
    {
        if (text is not null && OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } parsed)
        {
            return parsed.Value.ToInstant();
        }

        Error(e, path, text is null ? "missing date-time" : $"not a date-time with an offset '{text}'");
        return null;
    }
}
