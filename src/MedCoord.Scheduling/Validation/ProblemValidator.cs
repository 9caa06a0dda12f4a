using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Time;
using NodaTime;

namespace MedCoord.Scheduling.Validation;

/// <summary>
/// Checks a <see cref="Problem"/> against every bad-input rule of the format and reports all errors at once,
/// each with the JSON path of the offending value. Nothing else validates.
/// </summary>
internal sealed class ProblemValidator
{
    /// <summary>The longest horizon accepted, in days.</summary>
    public const int MaxHorizonDays = 366;

    /// <summary>The longest duration or gap accepted, in minutes (the longest horizon).</summary>
    public const int MaxMinutes = MaxHorizonDays * 1440;

    private readonly Problem _problem;
    private readonly ProblemSourceMap _map;
    private readonly List<ValidationError> _errors = [];

    private ProblemValidator(Problem problem, ProblemSourceMap map)
    {
        _problem = problem;
        _map = map;
    }

    /// <summary>Validates a problem; <paramref name="map"/> translates list positions to the file's positions.</summary>
    public static IReadOnlyList<ValidationError> Validate(Problem problem, ProblemSourceMap? map = null, bool structureAlreadyBroken = false) =>
        Validate(problem, out _, map, structureAlreadyBroken);

    /// <summary>Validates, and hands out the calendar the fixed-booking checks built (null when they built none).</summary>
    public static IReadOnlyList<ValidationError> Validate(Problem problem, out Calendar? calendar, ProblemSourceMap? map = null, bool structureAlreadyBroken = false)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var validator = new ProblemValidator(problem, map ?? ProblemSourceMap.Identity);
        validator.CheckStructure();
        calendar = null;
        if (validator._errors.Count == 0 && !structureAlreadyBroken)
        {
            calendar = new FixedBookingRules(problem, validator.Path, validator._errors).Check();
        }

        return validator._errors;
    }

    private string Path(string list, int index) => _map.Path(list, index);

    private void Add(string path, string message) => _errors.Add(new(path, message));

    private void CheckStructure()
    {
        var horizon = _problem.Horizon;
        var missing = new (string Name, object? Value)[]
        {
            ("horizon", horizon), ("facilities", _problem.Facilities), ("rooms", _problem.Rooms), ("providers", _problem.Providers),
            ("patients", _problem.Patients), ("appointmentTypes", _problem.AppointmentTypes), ("requests", _problem.Requests), ("fixed", _problem.Fixed),
        }.Where(f => f.Value is null).ToList();
        foreach (var (name, _) in missing)
        {
            Add(name, "required field is missing");
        }

        if (missing.Count > 0 || !NoNullItems())
        {
            return;
        }

        if (Period.Between(horizon.Start, horizon.End, PeriodUnits.Days).Days + 1 > MaxHorizonDays)
        {
            Add("horizon.end", $"the horizon spans {Period.Between(horizon.Start, horizon.End, PeriodUnits.Days).Days + 1} days; at most {MaxHorizonDays} are allowed");
        }

        CheckDate("horizon.start", horizon.Start);
        CheckDate("horizon.end", horizon.End);
        var horizonInRange = SupportedRange.Contains(horizon.Start) && SupportedRange.Contains(horizon.End);

        var facilities = UniqueIds("facilities", _problem.Facilities, f => f.Id, "facility");
        var rooms = UniqueIds("rooms", _problem.Rooms, r => r.Id, "room");
        var providers = UniqueIds("providers", _problem.Providers, p => p.Id, "provider");
        var patients = UniqueIds("patients", _problem.Patients, p => p.Id, "patient");
        var types = UniqueIds("appointmentTypes", _problem.AppointmentTypes, t => t.Id, "appointment type");
        var requests = UniqueIds("requests", _problem.Requests, r => r.Id, "request");

        for (var i = 0; i < _problem.Facilities.Count; i++)
        {
            var facility = _problem.Facilities[i];
            if (facility.Zone is null)
            {
                Add($"{Path("facilities", i)}.timeZone", "required field is missing");
            }
            else if (horizonInRange)
            {
                CheckZone($"{Path("facilities", i)}.timeZone", facility.Zone, horizon);
            }

            CheckWeekly($"{Path("facilities", i)}.hours", facility.Hours);
        }

        for (var i = 0; i < _problem.Rooms.Count; i++)
        {
            var room = _problem.Rooms[i];
            Reference($"{Path("rooms", i)}.facility", room.FacilityId, facilities, "facility");
            CheckBlocks($"{Path("rooms", i)}.unavailable", room.Unavailable);
            CheckCount($"{Path("rooms", i)}.capacity", room.Capacity);
        }

        CheckEquipment(facilities);

        for (var i = 0; i < _problem.Providers.Count; i++)
        {
            var provider = _problem.Providers[i];
            for (var j = 0; j < provider.Availability.Count; j++)
            {
                var path = $"{Path("providers", i)}.availability[{j}]";
                Reference($"{path}.facility", provider.Availability[j].FacilityId, facilities, "facility");
                CheckWeeklyBlock(path, provider.Availability[j].Hours);
            }

            CheckBlocks($"{Path("providers", i)}.timeOff", provider.TimeOff);
            if (provider.DailyCap is < 1 or > SolveOptions.MaxSoftRuleValue)
            {
                Add($"{Path("providers", i)}.dailyCap", $"must be from 1 to {SolveOptions.MaxSoftRuleValue}, found {provider.DailyCap}");
            }
        }

        for (var i = 0; i < _problem.Patients.Count; i++)
        {
            var patient = _problem.Patients[i];
            if (patient.Hours is not null && patient.Zone is null)
            {
                Add($"{Path("patients", i)}.hours", "patient hours need a timeZone");
            }

            if (patient.Zone is not null && horizonInRange)
            {
                CheckZone($"{Path("patients", i)}.timeZone", patient.Zone, horizon);
            }

            CheckWeekly($"{Path("patients", i)}.hours", patient.Hours);
            CheckBlocks($"{Path("patients", i)}.unavailable", patient.Unavailable);
            if (patient.PreviousProviderId is { } previous)
            {
                Reference($"{Path("patients", i)}.previousProvider", previous, providers, "provider");
            }
        }

        for (var i = 0; i < _problem.AppointmentTypes.Count; i++)
        {
            var type = _problem.AppointmentTypes[i];
            var path = Path("appointmentTypes", i);
            CheckDuration($"{path}.durationMinutes", type.DurationMinutes);
            if (type.BufferMinutes is < 0 or > MaxMinutes)
            {
                Add($"{path}.bufferMinutes", type.BufferMinutes < 0
                    ? $"must not be negative, found {type.BufferMinutes}"
                    : $"must be at most {MaxMinutes}, found {type.BufferMinutes}");
            }

            for (var k = 0; type.Equipment is { } kinds && k < kinds.Count; k++)
            {
                if (string.IsNullOrWhiteSpace(kinds[k]))
                {
                    Add($"{path}.equipment[{k}]", "must not be empty");
                }
                else if (kinds.Take(k).Contains(kinds[k], StringComparer.Ordinal))
                {
                    Add($"{path}.equipment[{k}]", $"equipment kind '{kinds[k]}' is listed twice");
                }
            }

            if (!type.BooksProvider && !type.BooksRoom)
            {
                Add(path, $"appointment type '{type.Id}' books neither a provider (providerSkill) nor a room (roomFeatures)");
            }
        }

        for (var i = 0; i < _problem.Requests.Count; i++)
        {
            CheckRequest(i, patients, types, providers, requests);
        }

        CheckCycles();
        CheckSeries(requests);
        CheckFixedReferences(rooms, providers, facilities, requests);
        CheckOptions();
    }

    /// <summary>Most minutes a series visit's start time may be from the first visit's.</summary>
    public const int MaxSeriesToleranceMinutes = 720;

    /// <summary>Series: unique ids, at least two known requests each, no request twice or in two series, a sane cadence.</summary>
    private void CheckSeries(KnownIds requests)
    {
        var all = _problem.Series;
        UniqueIds("series", all, x => x.Id, "series");
        var member = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < all.Count; i++)
        {
            var series = all[i];
            var path = Path("series", i);
            if (series.RequestIds.Count < 2)
            {
                Add($"{path}.requests", $"a series needs at least two requests, found {series.RequestIds.Count}");
            }

            for (var k = 0; k < series.RequestIds.Count; k++)
            {
                var id = series.RequestIds[k];
                Reference($"{path}.requests[{k}]", id, requests, "request");
                if (!member.TryAdd(id, i))
                {
                    Add($"{path}.requests[{k}]", member[id] == i
                        ? $"request '{id}' is listed twice"
                        : $"request '{id}' is already in series '{all[member[id]].Id}' ({Path("series", member[id])})");
                }
            }

            if (series.IntervalDays is < 1 or > MaxHorizonDays)
            {
                Add($"{path}.intervalDays", $"must be from 1 to {MaxHorizonDays}, found {series.IntervalDays}");
            }

            if (series.ToleranceMinutes is < 0 or > MaxSeriesToleranceMinutes)
            {
                Add($"{path}.toleranceMinutes", $"must be from 0 to {MaxSeriesToleranceMinutes}, found {series.ToleranceMinutes}");
            }
        }
    }

    /// <summary>Most places a room or units a pool may hold.</summary>
    public const int MaxCapacity = 1000;

    private void CheckCount(string path, int count)
    {
        if (count is < 1 or > MaxCapacity)
        {
            Add(path, $"must be from 1 to {MaxCapacity}, found {count}");
        }
    }

    /// <summary>Equipment pools: unique ids, a known facility, a kind, a count, and one pool per kind at a facility.</summary>
    private void CheckEquipment(KnownIds facilities)
    {
        var pools = _problem.Equipment;
        UniqueIds("equipment", pools, e => e.Id, "equipment pool");
        var kinds = new Dictionary<(string Facility, string Kind), int>();
        for (var i = 0; i < pools.Count; i++)
        {
            var pool = pools[i];
            var path = Path("equipment", i);
            Reference($"{path}.facility", pool.FacilityId, facilities, "facility");
            CheckCount($"{path}.count", pool.Count);
            if (string.IsNullOrEmpty(pool.Kind))
            {
                Add($"{path}.kind", "required field is missing");
            }
            else if (!kinds.TryAdd((pool.FacilityId, pool.Kind), i))
            {
                Add($"{path}.kind", $"facility '{pool.FacilityId}' already has a pool of kind '{pool.Kind}' ({Path("equipment", kinds[(pool.FacilityId, pool.Kind)])})");
            }
        }
    }

    /// <summary>Problems built in code may hold nulls where the file format cannot; each is reported by its path.</summary>
    private bool NoNullItems()
    {
        var before = _errors.Count;
        void Items<T>(string path, IEnumerable<T?>? items)
        {
            if (items is null)
            {
                Add(path, "must not be null");
                return;
            }

            var i = 0;
            foreach (var item in items)
            {
                if (item is null)
                {
                    Add($"{path}[{i}]", "must not be null");
                }

                i++;
            }
        }

        void Weekly(string path, IReadOnlyList<WeeklyHours?>? hours)
        {
            Items(path, hours);
            for (var j = 0; hours is not null && j < hours.Count; j++)
            {
                if (hours[j] is { Days: null })
                {
                    Add($"{path}[{j}].days", "must not be null");
                }
            }
        }

        Items("facilities", _problem.Facilities);
        Items("rooms", _problem.Rooms);
        Items("providers", _problem.Providers);
        Items("patients", _problem.Patients);
        Items("appointmentTypes", _problem.AppointmentTypes);
        Items("requests", _problem.Requests);
        Items("fixed", _problem.Fixed);
        if (_problem.Equipment is { } equipment)
        {
            Items("equipment", equipment);
        }

        if (_problem.Series is { } series)
        {
            Items("series", series);
            for (var i = 0; _errors.Count == before && i < series.Count; i++)
            {
                Items($"{Path("series", i)}.requests", series[i].RequestIds);
            }
        }

        if (_errors.Count > before)
        {
            return false;
        }

        for (var i = 0; i < _problem.Facilities.Count; i++)
        {
            if (_problem.Facilities[i].Hours is { } hours)
            {
                Weekly($"{Path("facilities", i)}.hours", hours);
            }
        }

        for (var i = 0; i < _problem.Rooms.Count; i++)
        {
            Items($"{Path("rooms", i)}.features", _problem.Rooms[i].Features);
            Items($"{Path("rooms", i)}.unavailable", _problem.Rooms[i].Unavailable?.Cast<object>());
        }

        for (var i = 0; i < _problem.Providers.Count; i++)
        {
            var provider = _problem.Providers[i];
            Items($"{Path("providers", i)}.skills", provider.Skills);
            Items($"{Path("providers", i)}.availability", provider.Availability);
            Items($"{Path("providers", i)}.timeOff", provider.TimeOff?.Cast<object>());
            for (var j = 0; provider.Availability is not null && j < provider.Availability.Count; j++)
            {
                if (provider.Availability[j] is { Hours: null })
                {
                    Add($"{Path("providers", i)}.availability[{j}]", "must not be null");
                }
                else if (provider.Availability[j] is { Hours.Days: null })
                {
                    Add($"{Path("providers", i)}.availability[{j}].days", "must not be null");
                }
            }
        }

        for (var i = 0; i < _problem.Patients.Count; i++)
        {
            if (_problem.Patients[i].Hours is { } hours)
            {
                Weekly($"{Path("patients", i)}.hours", hours);
            }

            Items($"{Path("patients", i)}.unavailable", _problem.Patients[i].Unavailable?.Cast<object>());
        }

        for (var i = 0; i < _problem.AppointmentTypes.Count; i++)
        {
            Items($"{Path("appointmentTypes", i)}.roomFeatures", _problem.AppointmentTypes[i].RoomFeatures);
        }

        for (var i = 0; i < _problem.Requests.Count; i++)
        {
            Items($"{Path("requests", i)}.after", _problem.Requests[i].After);
        }

        return _errors.Count == before;
    }

    /// <summary>
    /// The ids a list declares. Where some item of the list has no readable id, references to ids it does not hold
    /// are not reported: the unreadable item is the error, and it may be the one they name.
    /// </summary>
    private KnownIds UniqueIds<T>(string list, IReadOnlyList<T> items, Func<T, string> id, string noun)
    {
        var seen = new KnownIds(_map.IsIncomplete(list) || items.Any(i => string.IsNullOrWhiteSpace(id(i))));
        for (var i = 0; i < items.Count; i++)
        {
            var value = id(items[i]);
            if (string.IsNullOrWhiteSpace(value))
            {
                Add($"{Path(list, i)}.id", "must not be empty");
            }
            else if (!seen.Add(value))
            {
                Add($"{Path(list, i)}.id", $"duplicate {noun} id '{value}'");
            }
        }

        return seen;
    }

    private void Reference(string path, string? id, KnownIds known, string noun)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            Add(path, "must not be empty");
        }
        else if (!known.Contains(id) && !known.Incomplete)
        {
            Add(path, $"unknown {noun} '{id}'");
        }
    }

    private void CheckWeekly(string path, IReadOnlyList<WeeklyHours>? hours)
    {
        for (var j = 0; hours is not null && j < hours.Count; j++)
        {
            CheckWeeklyBlock($"{path}[{j}]", hours[j]);
        }
    }

    private void CheckWeeklyBlock(string path, WeeklyHours block)
    {
        if (block.Days.Count == 0)
        {
            Add($"{path}.days", "must list at least one weekday");
        }

        if (!block.EndsAtEndOfDay && block.To <= block.From)
        {
            Add($"{path}.from", $"from {block.From:HH:mm} must be before to {block.To:HH:mm}");
        }
    }

    private void CheckBlocks(string path, IReadOnlyList<Interval> blocks)
    {
        for (var j = 0; j < blocks.Count; j++)
        {
            if (!blocks[j].HasStart || !blocks[j].HasEnd || blocks[j].End <= blocks[j].Start)
            {
                Add($"{path}[{j}].from", "from must be before to");
                continue;
            }

            CheckInstant($"{path}[{j}].from", blocks[j].Start);
            CheckInstant($"{path}[{j}].to", blocks[j].End);
        }
    }

    /// <summary>A date outside the supported range (see <see cref="SupportedRange"/>) would overflow the engine's date arithmetic.</summary>
    private void CheckDate(string path, LocalDate? date)
    {
        if (date is { } d && !SupportedRange.Contains(d))
        {
            Add(path, SupportedRange.DateMessage);
        }
    }

    private void CheckInstant(string path, Instant instant)
    {
        if (!SupportedRange.Contains(instant))
        {
            Add(path, SupportedRange.DateTimeMessage);
        }
    }

    private void CheckZone(string path, DateTimeZone zone, DateInterval horizon)
    {
        if (SupportedRange.SubMinuteOffset(zone, horizon) is { } offset)
        {
            Add(path, SupportedRange.SubMinuteOffsetMessage(zone, offset));
        }
    }

    private void CheckDuration(string path, int minutes)
    {
        if (minutes <= 0)
        {
            Add(path, $"must be a positive number of minutes, found {minutes}");
        }
        else if (minutes > MaxMinutes)
        {
            Add(path, $"must be at most {MaxMinutes} minutes, found {minutes}");
        }
    }

    private void CheckRequest(int i, KnownIds patients, KnownIds types, KnownIds providers, KnownIds requests)
    {
        var request = _problem.Requests[i];
        var path = Path("requests", i);
        Reference($"{path}.patient", request.PatientId, patients, "patient");
        if (string.IsNullOrWhiteSpace(request.TypeId))
        {
            Add($"{path}.type", "must not be empty");
        }
        else if (!types.Contains(request.TypeId) && !types.Incomplete)
        {
            Add($"{path}.type", $"unknown appointment type '{request.TypeId}'");
        }

        CheckDate($"{path}.earliest", request.Earliest);
        CheckDate($"{path}.latest", request.Latest);
        if (request.Earliest is { } earliest && request.Latest is { } latest && latest < earliest)
        {
            Add($"{path}.latest", $"latest {latest:uuuu-MM-dd} is before earliest {earliest:uuuu-MM-dd}");
        }

        if (request.Priority is < 1 or > 100)
        {
            Add($"{path}.priority", $"must be from 1 to 100, found {request.Priority}");
        }

        if (request.DurationMinutes is { } duration)
        {
            CheckDuration($"{path}.durationMinutes", duration);
        }

        if (request.PreferredProviderId is { } preferred && !providers.Contains(preferred) && !providers.Incomplete)
        {
            Add($"{path}.preferredProvider", $"unknown provider '{preferred}'");
        }

        for (var j = 0; j < request.After.Count; j++)
        {
            var link = request.After[j];
            var linkPath = $"{path}.after[{j}]";
            Reference($"{linkPath}.request", link.RequestId, requests, "request");
            if (link.MinGapMinutes is < 0 or > MaxMinutes)
            {
                Add($"{linkPath}.minGapMinutes", link.MinGapMinutes < 0 ? $"must not be negative, found {link.MinGapMinutes}" : $"must be at most {MaxMinutes}, found {link.MinGapMinutes}");
            }

            if (link.MaxGapMinutes is { } max)
            {
                if (max < 0)
                {
                    Add($"{linkPath}.maxGapMinutes", $"must not be negative, found {max}");
                }
                else if (max < link.MinGapMinutes)
                {
                    Add($"{linkPath}.maxGapMinutes", $"maxGapMinutes {max} is below minGapMinutes {link.MinGapMinutes}");
                }
                else if (max > MaxMinutes)
                {
                    Add($"{linkPath}.maxGapMinutes", $"must be at most {MaxMinutes}, found {max}");
                }
            }
        }
    }

    private void CheckCycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _problem.Requests.Count; i++)
        {
            index.TryAdd(_problem.Requests[i].Id, i);
        }

        // 0 = unvisited, 1 = on the stack, 2 = done. Iterative DFS over "after" edges.
        var state = new int[_problem.Requests.Count];
        var reported = new HashSet<int>();
        for (var root = 0; root < _problem.Requests.Count; root++)
        {
            if (state[root] != 0)
            {
                continue;
            }

            var stack = new List<(int Node, int Next)> { (root, 0) };
            state[root] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack[^1];
                var links = _problem.Requests[node].After;
                if (next == links.Count)
                {
                    state[node] = 2;
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }

                stack[^1] = (node, next + 1);
                if (!index.TryGetValue(links[next].RequestId, out var target))
                {
                    continue;
                }

                if (state[target] == 1)
                {
                    var cycleStart = stack.FindIndex(s => s.Node == target);
                    var members = stack.Skip(cycleStart).Select(s => _problem.Requests[s.Node].Id).Append(_problem.Requests[target].Id);
                    if (reported.Add(node))
                    {
                        Add($"{Path("requests", node)}.after[{next}].request",
                            target == node
                                ? $"request '{_problem.Requests[node].Id}' is linked after itself"
                                : $"cycle of after links: {string.Join(" -> ", members)}");
                    }
                }
                else if (state[target] == 0)
                {
                    state[target] = 1;
                    stack.Add((target, 0));
                }
            }
        }
    }

    private void CheckFixedReferences(KnownIds rooms, KnownIds providers, KnownIds facilities, KnownIds requests)
    {
        var requestById = _problem.Requests.GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var typeById = _problem.AppointmentTypes.GroupBy(t => t.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var fixedOnce = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _problem.Fixed.Count; i++)
        {
            var booking = _problem.Fixed[i];
            var path = Path("fixed", i);
            Reference($"{path}.request", booking.RequestId, requests, "request");
            CheckInstant($"{path}.start", booking.Start);
            if (!string.IsNullOrWhiteSpace(booking.RequestId) && !fixedOnce.Add(booking.RequestId))
            {
                Add($"{path}.request", $"request '{booking.RequestId}' is fixed more than once");
            }

            var type = requestById.TryGetValue(booking.RequestId ?? string.Empty, out var request) && typeById.TryGetValue(request.TypeId, out var t) ? t : null;
            if (booking.ProviderId is not null)
            {
                Reference($"{path}.provider", booking.ProviderId, providers, "provider");
                if (type is { BooksProvider: false })
                {
                    Add($"{path}.provider", $"appointment type '{type.Id}' books no provider; provider must be null");
                }
            }
            else if (type is { BooksProvider: true })
            {
                Add($"{path}.provider", $"appointment type '{type.Id}' books a provider with skill '{type.ProviderSkill}'; provider is required");
            }

            if (booking.RoomId is not null)
            {
                Reference($"{path}.room", booking.RoomId, rooms, "room");
                if (type is { BooksRoom: false })
                {
                    Add($"{path}.room", $"appointment type '{type.Id}' books no room; room must be null");
                }
            }
            else if (type is { BooksRoom: true })
            {
                Add($"{path}.room", $"appointment type '{type.Id}' books a room; room is required");
            }

            if (booking.FacilityId is not null)
            {
                Reference($"{path}.facility", booking.FacilityId, facilities, "facility");
            }
        }

    }

    private void CheckOptions()
    {
        if (_problem.Options is { } options)
        {
            _errors.AddRange(options.Validate("options.", OptionNaming.File));
        }
    }

    private sealed class KnownIds(bool incomplete) : HashSet<string>(StringComparer.Ordinal)
    {
        public bool Incomplete { get; } = incomplete;
    }
}
