using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using NodaTime;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// An independent checker of every hard rule of the format. It shares no code with the model builder: it works on
/// instants straight from the problem's wall-clock rules (NodaTime's lenient mapping) and the schedule's offset times.
/// </summary>
public static class ScheduleVerifier
{
    /// <summary>Every hard-rule violation of <paramref name="schedule"/>, each a sentence naming the rule; empty when it holds.</summary>
    public static IReadOnlyList<string> Violations(Problem problem, Schedule schedule)
    {
        var v = new List<string>();
        var requests = problem.Requests.ToDictionary(r => r.Id);
        var types = problem.AppointmentTypes.ToDictionary(t => t.Id);
        var providers = problem.Providers.ToDictionary(p => p.Id);
        var rooms = problem.Rooms.ToDictionary(r => r.Id);
        var facilities = problem.Facilities.ToDictionary(f => f.Id);
        var patients = problem.Patients.ToDictionary(p => p.Id);
        var calendar = new WallClock(problem);

        // Rule 1: every request exactly once; fixed as fixed.
        var seen = schedule.Assignments.Select(a => a.RequestId).Concat(schedule.Unscheduled.Select(u => u.RequestId)).ToList();
        foreach (var dup in seen.GroupBy(x => x).Where(g => g.Count() > 1))
        {
            v.Add($"rule 1: request {dup.Key} appears {dup.Count()} times");
        }

        foreach (var missing in requests.Keys.Except(seen))
        {
            v.Add($"rule 1: request {missing} is missing");
        }

        foreach (var unknown in seen.Except(requests.Keys))
        {
            v.Add($"rule 1: unknown request {unknown}");
        }

        if (schedule.Status is ScheduleStatus.Infeasible or ScheduleStatus.NoSolutionFound)
        {
            if (schedule.Assignments.Count > 0)
            {
                v.Add($"rule 1: a schedule with status {schedule.Status} books {schedule.Assignments.Count} requests");
            }

            return v;
        }

        var assigned = schedule.Assignments.GroupBy(a => a.RequestId).ToDictionary(g => g.Key, g => g.First());
        foreach (var f in problem.Fixed)
        {
            if (!assigned.TryGetValue(f.RequestId, out var a))
            {
                v.Add($"rule 1: fixed request {f.RequestId} is not assigned");
            }
            else if (a.Start.ToInstant() != f.Start || a.ProviderId != f.ProviderId || a.RoomId != f.RoomId || (f.FacilityId is not null && f.FacilityId != a.FacilityId))
            {
                v.Add($"rule 1: fixed request {f.RequestId} moved");
            }
        }

        foreach (var a in schedule.Assignments)
        {
            if (!requests.TryGetValue(a.RequestId, out var r))
            {
                continue;
            }

            var type = types[r.TypeId];
            var start = a.Start.ToInstant();
            var end = a.End.ToInstant();
            var duration = r.DurationMinutes ?? type.DurationMinutes;
            if (!facilities.TryGetValue(a.FacilityId, out var facility))
            {
                v.Add($"{a.RequestId}: unknown facility {a.FacilityId}");
                continue;
            }

            if (a.PatientId != r.PatientId)
            {
                v.Add($"{a.RequestId}: patient {a.PatientId} is not the request's");
            }

            if (a.Start.Offset != facility.Zone.GetUtcOffset(start) || a.End.Offset != facility.Zone.GetUtcOffset(end))
            {
                v.Add($"{a.RequestId}: times are not in the facility's zone");
            }

            // Rule 2.
            if (end - start != Duration.FromMinutes(duration))
            {
                v.Add($"rule 2: {a.RequestId} lasts {(end - start).TotalMinutes} minutes, not {duration}");
            }

            // Rule 3.
            if (type.ProviderSkill is null)
            {
                if (a.ProviderId is not null)
                {
                    v.Add($"rule 3: {a.RequestId} books provider {a.ProviderId} but its type names no skill");
                }
            }
            else if (a.ProviderId is null || !providers.TryGetValue(a.ProviderId, out var provider))
            {
                v.Add($"rule 3: {a.RequestId} has no (known) provider");
            }
            else
            {
                if (!provider.Skills.Contains(type.ProviderSkill))
                {
                    v.Add($"rule 3: {provider.Id} lacks skill {type.ProviderSkill} for {a.RequestId}");
                }

                var blocks = provider.Availability.Where(b => b.FacilityId == a.FacilityId).Select(b => b.Hours);
                if (!calendar.InsideOneBlock(facility.Zone, blocks, start, end))
                {
                    v.Add($"rule 3: {a.RequestId} is outside {provider.Id}'s availability at {a.FacilityId}");
                }

                if (provider.TimeOff.Any(t => Overlaps(t.Start, t.End, start, end)))
                {
                    v.Add($"rule 3: {a.RequestId} overlaps {provider.Id}'s time off");
                }
            }

            // Rule 4.
            if (type.RoomFeatures.Count == 0)
            {
                if (a.RoomId is not null)
                {
                    v.Add($"rule 4: {a.RequestId} books room {a.RoomId} but its type asks for no features");
                }
            }
            else if (a.RoomId is null || !rooms.TryGetValue(a.RoomId, out var room))
            {
                v.Add($"rule 4: {a.RequestId} has no (known) room");
            }
            else
            {
                if (!type.RoomFeatures.All(room.Features.Contains))
                {
                    v.Add($"rule 4: room {room.Id} lacks features for {a.RequestId}");
                }

                if (room.FacilityId != a.FacilityId)
                {
                    v.Add($"rule 4: room {room.Id} is not at {a.FacilityId}");
                }

                if (room.Unavailable.Any(t => Overlaps(t.Start, t.End, start, end)))
                {
                    v.Add($"rule 4: {a.RequestId} overlaps room {room.Id}'s unavailable block");
                }
            }

            // Rule 5.
            if (facility.Hours is not null && !calendar.InsideOneBlock(facility.Zone, facility.Hours, start, end))
            {
                v.Add($"rule 5: {a.RequestId} is outside {facility.Id}'s opening hours");
            }

            if (facility.Hours is null && !calendar.InsideOneBlock(facility.Zone, [new WeeklyHours(AllDays, LocalTime.Midnight, LocalTime.Midnight)], start, end))
            {
                v.Add($"rule 5: {a.RequestId} is outside the horizon at {facility.Id}");
            }

            var patient = patients[r.PatientId];
            if (patient.Hours is not null && !calendar.InsideOnePatientBlock(patient.Zone!, patient.Hours, start, end))
            {
                v.Add($"rule 5: {a.RequestId} is outside patient {patient.Id}'s hours");
            }

            if (patient.Unavailable.Any(t => Overlaps(t.Start, t.End, start, end)))
            {
                v.Add($"rule 5: {a.RequestId} overlaps patient {patient.Id}'s unavailable block");
            }

            // Rule 7.
            foreach (var link in r.After)
            {
                if (!assigned.TryGetValue(link.RequestId, out var previous))
                {
                    v.Add($"rule 7: {a.RequestId} is scheduled but its predecessor {link.RequestId} is not");
                    continue;
                }

                var gap = (start - previous.End.ToInstant()).TotalMinutes;
                if (gap < link.MinGapMinutes || (link.MaxGapMinutes is { } max && gap > max))
                {
                    v.Add($"rule 7: {a.RequestId} starts {gap} minutes after {link.RequestId} ends");
                }
            }

            // Rule 8.
            var date = start.InZone(facility.Zone).Date;
            var earliest = Max(r.Earliest ?? problem.Horizon.Start, problem.Horizon.Start);
            var latest = Min(r.Latest ?? problem.Horizon.End, problem.Horizon.End);
            if (date < earliest || date > latest)
            {
                v.Add($"rule 8: {a.RequestId} starts on {date:uuuu-MM-dd} outside [{earliest:uuuu-MM-dd}, {latest:uuuu-MM-dd}]");
            }
        }

        // Rule 6.
        var list = schedule.Assignments.Where(a => requests.ContainsKey(a.RequestId)).ToList();
        for (var i = 0; i < list.Count; i++)
        {
            for (var j = i + 1; j < list.Count; j++)
            {
                var (x, y) = (list[i], list[j]);
                var (xs, xe, ys, ye) = (x.Start.ToInstant(), x.End.ToInstant(), y.Start.ToInstant(), y.End.ToInstant());
                if (x.ProviderId is not null && x.ProviderId == y.ProviderId && Overlaps(xs, xe, ys, ye))
                {
                    v.Add($"rule 6: {x.RequestId} and {y.RequestId} overlap for provider {x.ProviderId}");
                }

                if (requests[x.RequestId].PatientId == requests[y.RequestId].PatientId && Overlaps(xs, xe, ys, ye))
                {
                    v.Add($"rule 6: {x.RequestId} and {y.RequestId} overlap for patient {requests[x.RequestId].PatientId}");
                }

                if (x.RoomId is not null && x.RoomId == y.RoomId && rooms[x.RoomId].Capacity == 1)
                {
                    var xb = Duration.FromMinutes(types[requests[x.RequestId].TypeId].BufferMinutes);
                    var yb = Duration.FromMinutes(types[requests[y.RequestId].TypeId].BufferMinutes);
                    if (Overlaps(xs, xe + xb, ys, ye + yb))
                    {
                        v.Add($"rule 6: {x.RequestId} and {y.RequestId} overlap in room {x.RoomId} counting buffers");
                    }
                }
            }
        }

        // Rule 10: a series is booked whole or not at all, at its cadence on each facility's wall clock, with one provider.
        foreach (var series in problem.Series ?? [])
        {
            var visits = series.RequestIds.Select(id => assigned.GetValueOrDefault(id)).ToList();
            var booked = visits.Count(a => a is not null);
            if (booked != 0 && booked != visits.Count)
            {
                v.Add($"rule 10: series {series.Id} has {booked} of its {visits.Count} visits booked");
                continue;
            }

            if (booked == 0)
            {
                continue;
            }

            LocalDateTime Local(Assignment a) => a.Start.ToInstant().InZone(facilities[a.FacilityId].Zone).LocalDateTime;
            var first = Local(visits[0]!);
            for (var k = 1; k < visits.Count; k++)
            {
                var local = Local(visits[k]!);
                if (local.Date != first.Date.PlusDays(k * series.IntervalDays))
                {
                    v.Add($"rule 10: visit {k + 1} of series {series.Id} is on {local.Date:uuuu-MM-dd}, not {first.Date.PlusDays(k * series.IntervalDays):uuuu-MM-dd}");
                }

                if (Math.Abs((local.TimeOfDay - first.TimeOfDay).ToDuration().TotalMinutes) > series.ToleranceMinutes)
                {
                    v.Add($"rule 10: visit {k + 1} of series {series.Id} starts at {local.TimeOfDay:HH:mm}, over {series.ToleranceMinutes} minutes from {first.TimeOfDay:HH:mm}");
                }
            }

            if (series.SameProvider && visits.Select(a => a!.ProviderId).OfType<string>().Distinct().Count() > 1)
            {
                v.Add($"rule 10: series {series.Id} is booked with several providers");
            }
        }

        // Rule 6 for rooms holding several at once (buffers counted), rule 9 for equipment pools: at the start of each
        // appointment (where occupancy peaks), count the appointments already in.
        var shared = new List<(string What, int Capacity, string RequestId, Instant Start, Instant End)>();
        foreach (var a in list)
        {
            var type = types[requests[a.RequestId].TypeId];
            if (a.RoomId is not null && rooms.TryGetValue(a.RoomId, out var room) && room.Capacity > 1)
            {
                shared.Add(($"room {room.Id}", room.Capacity, a.RequestId, a.Start.ToInstant(), a.End.ToInstant() + Duration.FromMinutes(type.BufferMinutes)));
            }

            foreach (var kind in type.Equipment ?? [])
            {
                var pool = (problem.Equipment ?? []).FirstOrDefault(e => e.FacilityId == a.FacilityId && e.Kind == kind);
                if (pool is null)
                {
                    v.Add($"rule 9: {a.RequestId} needs equipment {kind}, which facility {a.FacilityId} has no pool of");
                    continue;
                }

                shared.Add(($"equipment pool {pool.Id}", pool.Count, a.RequestId, a.Start.ToInstant(), a.End.ToInstant()));
            }
        }

        foreach (var group in shared.GroupBy(u => u.What))
        {
            foreach (var u in group)
            {
                var inside = group.Count(o => o.Start <= u.Start && u.Start < o.End);
                if (inside > u.Capacity)
                {
                    v.Add($"rule {(u.What.StartsWith("room", StringComparison.Ordinal) ? 6 : 9)}: {u.What} holds {inside} appointments at once when {u.RequestId} starts (capacity {u.Capacity})");
                }
            }
        }

        return v;
    }

    private static readonly IsoDayOfWeek[] AllDays =
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday];

    private static bool Overlaps(Instant aStart, Instant aEnd, Instant bStart, Instant bEnd) => aStart < bEnd && bStart < aEnd;

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

    private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;
}

/// <summary>
/// Weekly blocks as instants, built the way the format states: facility and provider blocks on each horizon date in
/// the facility's zone; a patient's blocks on each patient-local date that overlaps the horizon's facility-local dates
/// (from the earliest start of the first date to the latest end of the last date, over every facility zone); lenient
/// mapping, touching blocks joined.
/// </summary>
public sealed class WallClock
{
    private readonly DateInterval _horizon;

    /// <summary>A clock for <paramref name="problem"/>: its horizon read in each of its facilities' zones.</summary>
    public WallClock(Problem problem)
        : this(problem.Horizon, problem.Facilities.Select(f => f.Zone))
    {
    }

    public WallClock(DateInterval horizon, IEnumerable<DateTimeZone> facilityZones)
    {
        _horizon = horizon;
        var zones = facilityZones.DefaultIfEmpty(DateTimeZone.Utc).ToList();
        SpanStart = zones.Select(z => z.AtStartOfDay(horizon.Start).ToInstant()).Min();
        SpanEnd = zones.Select(z => z.AtStartOfDay(horizon.End.PlusDays(1)).ToInstant()).Max();
    }

    /// <summary>The earliest instant of the horizon's first date in any facility zone.</summary>
    public Instant SpanStart { get; }

    /// <summary>The latest instant at which the horizon's last date ends in any facility zone.</summary>
    public Instant SpanEnd { get; }

    /// <summary>A facility's or provider's blocks over the horizon's dates in <paramref name="zone"/>, sorted, touching blocks joined.</summary>
    public List<(Instant From, Instant To)> Blocks(DateTimeZone zone, IEnumerable<WeeklyHours> hours) =>
        Expand(zone, hours, _horizon.Start, _horizon.End);

    /// <summary>A patient's blocks on every local date of <paramref name="zone"/> that overlaps [<see cref="SpanStart"/>, <see cref="SpanEnd"/>).</summary>
    public List<(Instant From, Instant To)> PatientBlocks(DateTimeZone zone, IEnumerable<WeeklyHours> hours) =>
        Expand(zone, hours, SpanStart.InZone(zone).Date, (SpanEnd - Duration.Epsilon).InZone(zone).Date);

    public bool InsideOneBlock(DateTimeZone zone, IEnumerable<WeeklyHours> hours, Instant start, Instant end) =>
        Blocks(zone, hours).Any(b => b.From <= start && end <= b.To);

    public bool InsideOnePatientBlock(DateTimeZone zone, IEnumerable<WeeklyHours> hours, Instant start, Instant end) =>
        PatientBlocks(zone, hours).Any(b => b.From <= start && end <= b.To);

    private static List<(Instant From, Instant To)> Expand(DateTimeZone zone, IEnumerable<WeeklyHours> hours, LocalDate first, LocalDate last)
    {
        var raw = new List<(Instant From, Instant To)>();
        foreach (var block in hours)
        {
            for (var date = first; date <= last; date = date.PlusDays(1))
            {
                if (!block.Days.Contains(date.DayOfWeek))
                {
                    continue;
                }

                var from = zone.AtLeniently(date.At(block.From)).ToInstant();
                var to = block.To == LocalTime.Midnight
                    ? zone.AtLeniently(date.PlusDays(1).At(LocalTime.Midnight)).ToInstant()
                    : zone.AtLeniently(date.At(block.To)).ToInstant();
                if (from < to)
                {
                    raw.Add((from, to));
                }
            }
        }

        raw.Sort((a, b) => a.From.CompareTo(b.From));
        var joined = new List<(Instant From, Instant To)>();
        foreach (var b in raw)
        {
            if (joined.Count > 0 && b.From <= joined[^1].To)
            {
                joined[^1] = (joined[^1].From, b.To > joined[^1].To ? b.To : joined[^1].To);
            }
            else
            {
                joined.Add(b);
            }
        }

        return joined;
    }
}
