using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using NodaTime;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// The baseline: book requests one by one, highest priority first (predecessors before successors), each at the
/// earliest instant where some provider, room and facility take it. Independent of the model builder: it works on
/// instants from <see cref="WallClock"/>. It is cautious where places are shared: a room of any capacity and each
/// equipment pool hold one appointment at a time, which every schedule may do.
/// </summary>
public static class FirstFit
{
    public static IReadOnlyList<Assignment> Schedule(Problem problem)
    {
        var clock = new WallClock(problem);
        var types = problem.AppointmentTypes.ToDictionary(t => t.Id);
        var facilities = problem.Facilities.ToDictionary(f => f.Id);
        var patients = problem.Patients.ToDictionary(p => p.Id);
        var everything = new List<(Instant From, Instant To)> { (Instant.MinValue, Instant.MaxValue) };
        var openAll = new WeeklyHours([.. Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)], LocalTime.Midnight, LocalTime.Midnight);

        var facilityOpen = problem.Facilities.ToDictionary(f => f.Id, f => clock.Blocks(f.Zone, f.Hours ?? [openAll]));
        var providerFree = problem.Providers.SelectMany(p => p.Availability.Select(a => a.FacilityId).Distinct()
            .Select(f => (Key: (p.Id, f), Blocks: clock.Blocks(facilities[f].Zone, p.Availability.Where(a => a.FacilityId == f).Select(a => a.Hours)))))
            .ToDictionary(x => x.Key, x => x.Blocks);
        var patientHours = problem.Patients.ToDictionary(p => p.Id, p => p.Hours is null ? everything : clock.PatientBlocks(p.Zone!, p.Hours));

        var requests = problem.Requests.ToDictionary(r => r.Id);
        var booked = new List<Assignment>();
        var busyProvider = new Dictionary<string, List<(Instant, Instant)>>();
        var busyRoom = new Dictionary<string, List<(Instant, Instant)>>();
        var busyPatient = new Dictionary<string, List<(Instant, Instant)>>();
        var busyPool = new Dictionary<string, List<(Instant, Instant)>>();
        IEnumerable<string> PoolsAt(string facility, AppointmentType type) =>
            (type.Equipment ?? []).Select(k => (problem.Equipment ?? []).FirstOrDefault(e => e.FacilityId == facility && e.Kind == k)?.Id ?? $"missing:{k}");
        bool HasPools(string facility, AppointmentType type) => !PoolsAt(facility, type).Any(p => p.StartsWith("missing:", StringComparison.Ordinal));
        var done = new Dictionary<string, Assignment?>();

        void Book(Assignment a, int buffer)
        {
            booked.Add(a);
            done[a.RequestId] = a;
            var (s, e) = (a.Start.ToInstant(), a.End.ToInstant());
            Busy(busyPatient, a.PatientId).Add((s, e));
            if (a.ProviderId is not null)
            {
                Busy(busyProvider, a.ProviderId).Add((s, e));
            }

            if (a.RoomId is not null)
            {
                Busy(busyRoom, a.RoomId).Add((s, e + Duration.FromMinutes(buffer)));
            }

            foreach (var pool in PoolsAt(a.FacilityId, types[requests[a.RequestId].TypeId]))
            {
                Busy(busyPool, pool).Add((s, e));
            }
        }

        foreach (var f in problem.Fixed)
        {
            var r = requests[f.RequestId];
            var d = Duration.FromMinutes(r.DurationMinutes ?? types[r.TypeId].DurationMinutes);
            var facility = f.FacilityId ?? (f.RoomId is not null ? problem.Rooms.First(x => x.Id == f.RoomId).FacilityId
                : problem.Providers.First(p => p.Id == f.ProviderId).Availability.Select(a => a.FacilityId)
                    .First(x => providerFree[(f.ProviderId!, x)].Any(b => b.From <= f.Start && f.Start + d <= b.To) && facilityOpen[x].Any(b => b.From <= f.Start && f.Start + d <= b.To)
                        && HasPools(x, types[r.TypeId])));
            var zone = facilities[facility].Zone;
            Book(new Assignment(r.Id, r.PatientId, f.ProviderId, f.RoomId, facility, f.Start.InZone(zone).ToOffsetDateTime(), (f.Start + d).InZone(zone).ToOffsetDateTime()), types[r.TypeId].BufferMinutes);
        }

        var order = problem.Requests.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Priority).ThenBy(x => x.i).Select(x => x.r).ToList();
        bool progress;
        do
        {
            progress = false;
            foreach (var r in order.Where(r => !done.ContainsKey(r.Id)))
            {
                if (r.After.Any(l => !done.ContainsKey(l.RequestId)))
                {
                    continue;
                }

                progress = true;
                if (r.After.Any(l => done[l.RequestId] is null))
                {
                    done[r.Id] = null;
                    continue;
                }

                var type = types[r.TypeId];
                var d = Duration.FromMinutes(r.DurationMinutes ?? type.DurationMinutes);
                var buffer = Duration.FromMinutes(type.BufferMinutes);
                Assignment? best = null;
                var combos = Combos(problem, type);
                foreach (var (facilityId, providerId, roomId) in combos)
                {
                    if (!HasPools(facilityId, type))
                    {
                        continue;
                    }

                    var pools = PoolsAt(facilityId, type).ToList();

                    var zone = facilities[facilityId].Zone;
                    var earliest = Max(r.Earliest ?? problem.Horizon.Start, problem.Horizon.Start);
                    var latest = Min(r.Latest ?? problem.Horizon.End, problem.Horizon.End);
                    if (earliest > latest)
                    {
                        continue;
                    }

                    var windowStart = zone.AtStartOfDay(earliest).ToInstant();
                    var windowEnd = zone.AtStartOfDay(latest.PlusDays(1)).ToInstant();
                    var lower = windowStart;
                    var upper = windowEnd;
                    foreach (var link in r.After)
                    {
                        var prevEnd = done[link.RequestId]!.End.ToInstant();
                        lower = Max(lower, prevEnd + Duration.FromMinutes(link.MinGapMinutes));
                        if (link.MaxGapMinutes is { } max)
                        {
                            upper = Min(upper, prevEnd + Duration.FromMinutes(max) + Duration.Epsilon);
                        }
                    }

                    var room = roomId is null ? null : problem.Rooms.First(x => x.Id == roomId);
                    var provider = providerId is null ? null : problem.Providers.First(x => x.Id == providerId);
                    var patient = patients[r.PatientId];
                    var open = facilityOpen[facilityId];
                    var providerBlocks = providerId is null ? everything : providerFree.GetValueOrDefault((providerId, facilityId)) ?? [];
                    var hours = patientHours[r.PatientId];
                    var points = open.Select(b => b.From).Concat(providerBlocks.Select(b => b.From)).Concat(hours.Select(b => b.From))
                        .Concat((provider?.TimeOff ?? []).Select(b => b.End)).Concat((room?.Unavailable ?? []).Select(b => b.End)).Concat(patient.Unavailable.Select(b => b.End))
                        .Concat(Busy(busyPatient, r.PatientId).Select(b => b.Item2))
                        .Concat(providerId is null ? [] : Busy(busyProvider, providerId).Select(b => b.Item2))
                        .Concat(roomId is null ? [] : Busy(busyRoom, roomId).Select(b => b.Item2))
                        .Concat(pools.SelectMany(pool => Busy(busyPool, pool).Select(b => b.Item2)))
                        .Append(lower)
                        .Where(p => p >= lower && p < upper && (best is null || p < best.Start.ToInstant()))
                        .Distinct().Order();
                    foreach (var s in points)
                    {
                        var e = s + d;
                        bool Inside(List<(Instant From, Instant To)> blocks) => blocks.Any(b => b.From <= s && e <= b.To);
                        bool Clear(IEnumerable<(Instant, Instant)> blocks, Instant to) => blocks.All(b => !(b.Item1 < to && s < b.Item2));
                        if (Inside(open) && Inside(providerBlocks) && Inside(hours)
                            && Clear((provider?.TimeOff ?? []).Select(b => (b.Start, b.End)), e)
                            && Clear((room?.Unavailable ?? []).Select(b => (b.Start, b.End)), e)
                            && Clear(patient.Unavailable.Select(b => (b.Start, b.End)), e)
                            && Clear(Busy(busyPatient, r.PatientId), e)
                            && (providerId is null || Clear(Busy(busyProvider, providerId), e))
                            && (roomId is null || Clear(Busy(busyRoom, roomId), e + buffer))
                            && pools.All(pool => Clear(Busy(busyPool, pool), e)))
                        {
                            best = new Assignment(r.Id, r.PatientId, providerId, roomId, facilityId, s.InZone(zone).ToOffsetDateTime(), e.InZone(zone).ToOffsetDateTime());
                            break;
                        }
                    }
                }

                if (best is null)
                {
                    done[r.Id] = null;
                }
                else
                {
                    Book(best, type.BufferMinutes);
                }
            }
        }
        while (progress);

        return booked;
    }

    private static IEnumerable<(string Facility, string? Provider, string? Room)> Combos(Problem problem, AppointmentType type)
    {
        var providers = type.ProviderSkill is null
            ? [(Provider?)null]
            : problem.Providers.Where(p => p.Skills.Contains(type.ProviderSkill)).Select(p => (Provider?)p).ToList();
        var rooms = type.RoomFeatures.Count == 0
            ? [(Room?)null]
            : problem.Rooms.Where(r => type.RoomFeatures.All(r.Features.Contains)).Select(r => (Room?)r).ToList();
        foreach (var provider in providers)
        {
            foreach (var room in rooms)
            {
                var facilities = room is not null
                    ? [room.FacilityId]
                    : provider!.Availability.Select(a => a.FacilityId).Distinct();
                foreach (var f in facilities)
                {
                    if (provider is null || provider.Availability.Any(a => a.FacilityId == f))
                    {
                        yield return (f, provider?.Id, room?.Id);
                    }
                }
            }
        }
    }

    private static List<(Instant, Instant)> Busy(Dictionary<string, List<(Instant, Instant)>> map, string key) =>
        map.TryGetValue(key, out var list) ? list : map[key] = [];

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

    private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;
}
