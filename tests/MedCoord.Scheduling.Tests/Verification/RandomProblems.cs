using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Verification;

/// <summary>
/// Random multi-facility problems from a seed: several zones, DST changes inside the horizon, patients in far zones,
/// links, preferences and fixed bookings (taken from a first-fit schedule, so they are legal together).
/// </summary>
public static class RandomProblems
{
    private static readonly string[] FacilityZones =
        ["America/New_York", "America/Chicago", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Auckland"];

    private static readonly string[] PatientZones = ["Asia/Tokyo", "Pacific/Honolulu", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kathmandu"];

    // Each start puts at least one DST change of the zones above inside a horizon of 3 days or more.
    private static readonly string[] HorizonStarts = ["2026-10-29", "2026-10-23", "2026-03-06", "2026-10-02", "2026-03-27", "2026-04-03", "2026-09-25"];

    private static readonly string[] Skills = ["gp", "cardio", "tele"];
    private static readonly string[] Features = ["exam", "ecg", "echo", "lab"];

    public static Problem Create(int seed, int requestCount, bool withFixed = true)
    {
        var rng = new Random(seed);
        var start = Date(HorizonStarts[rng.Next(HorizonStarts.Length)]);
        var end = start.PlusDays(rng.Next(3, 8));

        var facilities = Enumerable.Range(0, rng.Next(1, 4)).Select(i =>
        {
            var zone = FacilityZones[rng.Next(FacilityZones.Length)];
            return rng.Next(5) == 0
                ? Facility($"f{i}", zone)
                : Facility($"f{i}", zone, Block(rng, 5, 10, 15, 25, allowWeekends: true));
        }).ToList();

        var rooms = facilities.SelectMany(f => Enumerable.Range(0, rng.Next(1, 4)).Select(i =>
        {
            var features = Features.Where(_ => rng.Next(3) == 0).Append(rng.Next(10) < 7 ? "exam" : Features[rng.Next(Features.Length)]).Distinct().ToList();
            var room = new Room($"{f.Id}-room{i}", f.Id, features, []);
            return rng.Next(4) == 0 ? room with { Unavailable = [RandomBlock(rng, start, end)] } : room;
        })).ToList();

        var providers = Enumerable.Range(0, rng.Next(2, 9)).Select(i =>
        {
            var skills = Skills.Where(_ => rng.Next(2) == 0).DefaultIfEmpty(Skills[rng.Next(Skills.Length)]).ToList();
            var availability = Enumerable.Range(0, rng.Next(1, 4))
                .Select(_ => new ProviderAvailability(facilities[rng.Next(facilities.Count)].Id, Block(rng, 0, 12, 13, 25, allowWeekends: true)))
                .ToList();
            var provider = new Provider($"dr{i}", skills, availability, []);
            return rng.Next(4) == 0 ? provider with { TimeOff = [RandomBlock(rng, start, end)] } : provider;
        }).ToList();

        var patients = Enumerable.Range(0, Math.Max(1, requestCount / 2)).Select(i =>
        {
            var patient = Patient($"p{i}");
            if (rng.Next(5) == 0)
            {
                patient = patient with { Zone = Zone(PatientZones[rng.Next(PatientZones.Length)]), Hours = [Block(rng, 0, 12, 12, 25, allowWeekends: true)] };
            }

            return rng.Next(6) == 0 ? patient with { Unavailable = [RandomBlock(rng, start, end)] } : patient;
        }).ToList();

        var types = Enumerable.Range(0, rng.Next(3, 7)).Select(i =>
        {
            // Mostly a skill some provider has, sometimes one nobody has (NoQualifiedProvider).
            var held = providers.SelectMany(p => p.Skills).Distinct().Order().ToList();
            var skill = rng.Next(4) == 0 ? null : rng.Next(10) == 0 ? Skills[rng.Next(Skills.Length)] : held[rng.Next(held.Count)];
            string[] features = skill is not null && rng.Next(3) == 0 ? [] : [Features[rng.Next(Features.Length)]];
            return Type($"t{i}", 5 * rng.Next(2, 19), skill, features, buffer: rng.Next(3) == 0 ? 5 * rng.Next(1, 4) : 0);
        }).ToList();

        var requests = new List<AppointmentRequest>();
        for (var i = 0; i < requestCount; i++)
        {
            var patient = patients[rng.Next(patients.Count)].Id;
            var earliest = start.PlusDays(rng.Next(-2, 4));
            var latest = earliest.PlusDays(rng.Next(0, 6));
            var request = new AppointmentRequest($"r{i:000}", patient, types[rng.Next(types.Count)].Id,
                rng.Next(5) == 0 ? null : earliest, rng.Next(5) == 0 ? null : latest, rng.Next(1, 11),
                rng.Next(6) == 0 ? 5 * rng.Next(1, 13) : null,
                rng.Next(4) == 0 ? providers[rng.Next(providers.Count)].Id : null);
            var earlier = requests.Where(r => r.PatientId == patient).ToList();
            if (earlier.Count > 0 && rng.Next(3) == 0)
            {
                var min = rng.Next(3) * 30;
                request = request with { After = [new RequestLink(earlier[rng.Next(earlier.Count)].Id, min, rng.Next(2) == 0 ? null : min + (1440 * rng.Next(1, 4)))] };
            }

            requests.Add(request);
        }

        var problem = WithSharedPlaces(new Problem(new DateInterval(start, end), facilities, rooms, providers, patients, types, requests, []), seed);
        if (!withFixed)
        {
            return problem;
        }

        var witness = FirstFit.Schedule(problem);
        var fixedBookings = witness.Where(_ => rng.Next(8) == 0).Take(3)
            .Select(a => new FixedBooking(a.RequestId, a.ProviderId, a.RoomId, a.Start.ToInstant(), rng.Next(2) == 0 ? a.FacilityId : null))
            .ToList();

        // A fixed booking's predecessors must be schedulable before it: fix them too, as the witness has them.
        var byId = witness.ToDictionary(a => a.RequestId);
        var closure = new Dictionary<string, FixedBooking>(fixedBookings.ToDictionary(f => f.RequestId));
        var pending = new Stack<string>(closure.Keys);
        while (pending.TryPop(out var id))
        {
            foreach (var link in requests.First(r => r.Id == id).After)
            {
                if (!closure.ContainsKey(link.RequestId))
                {
                    var a = byId[link.RequestId];
                    closure[link.RequestId] = new FixedBooking(a.RequestId, a.ProviderId, a.RoomId, a.Start.ToInstant(), a.FacilityId);
                    pending.Push(link.RequestId);
                }
            }
        }

        return problem with { Fixed = [.. closure.Values] };
    }

    private static readonly string[] FarPatientZones =
        ["Pacific/Kiritimati", "Pacific/Tongatapu", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Pago_Pago", "Asia/Kolkata", "Asia/Kathmandu", "Etc/GMT+12"];

    private static readonly string[] TinyFacilityZones = ["America/New_York", "Asia/Singapore", "America/Phoenix", "Europe/London", "Pacific/Auckland"];

    // Mostly December; two horizons end on the eve of Auckland's April and September changes, so a patient there
    // changes offset on the patient-local date after the horizon's last date.
    private static readonly string[] TinyHorizonStarts = ["2026-12-07", "2026-12-10", "2026-04-03", "2026-09-25", "2026-12-05"];

    /// <summary>
    /// A tiny problem (2 to 6 requests, 1 to 3 days, whole and half hours) whose exact optimum
    /// <see cref="ExhaustiveSearch"/> can find: far-zone patients whose hours fall on the horizon's first or last
    /// facility date, contention for one or two providers and rooms, sometimes a link, a series, a shared room, an
    /// equipment pool or a fixed booking.
    /// </summary>
    public static Problem Tiny(int seed)
    {
        var rng = new Random(seed);
        var start = Date(TinyHorizonStarts[rng.Next(TinyHorizonStarts.Length)]);
        var end = start.PlusDays(rng.Next(0, 3));
        var facilities = Enumerable.Range(0, rng.Next(1, 3))
            .Select(i => Facility($"f{i}", TinyFacilityZones[rng.Next(TinyFacilityZones.Length)], Block(rng, 6, 10, 15, 25, allowWeekends: true)))
            .ToList();
        var rooms = facilities.SelectMany(f => Enumerable.Range(0, rng.Next(1, 3))
            .Select(i => new Room($"{f.Id}-room{i}", f.Id, [i == 0 ? "exam" : Features[rng.Next(2)]], [], rng.Next(5) == 0 ? 2 : 1))).ToList();
        var providers = Enumerable.Range(0, rng.Next(1, 3)).Select(i => new Provider(
            $"dr{i}", [Skills[rng.Next(2)]],
            [new ProviderAvailability(facilities[rng.Next(facilities.Count)].Id, rng.Next(3) == 0 ? new WeeklyHours(EveryDay, LocalTime.Midnight, LocalTime.Midnight) : Block(rng, 5, 12, 14, 25, allowWeekends: true))],
            [])).ToList();
        var skills = providers.SelectMany(p => p.Skills).Distinct().Order().ToList();
        var pools = facilities.Select(f => new EquipmentPool($"{f.Id}-ultrasound", f.Id, "ultrasound", 1)).Where(_ => rng.Next(3) != 0).ToList();

        var patients = Enumerable.Range(0, rng.Next(1, 4)).Select(i =>
        {
            if (rng.Next(4) == 0)
            {
                return Patient($"p{i}");
            }

            // Hours on the patient's clock that fall on the horizon's first or last date at some facility.
            var facility = facilities[rng.Next(facilities.Count)];
            var zone = Zone(FarPatientZones[rng.Next(FarPatientZones.Length)]);
            var edge = facility.Zone.AtStartOfDay(rng.Next(2) == 0 ? start : end).ToInstant() + Duration.FromMinutes(30 * rng.Next(16, 32));
            var from = edge.InZone(zone).LocalDateTime;
            var to = from.PlusHours(rng.Next(1, 5));
            var block = new WeeklyHours([from.DayOfWeek], from.TimeOfDay, to.Date == from.Date ? to.TimeOfDay : LocalTime.Midnight);
            return new Patient($"p{i}", zone, [block], []);
        }).ToList();

        var types = new List<AppointmentType>
        {
            Type("t0", 30 * rng.Next(1, 4), skills[rng.Next(skills.Count)], rng.Next(2) == 0 ? [] : ["exam"], buffer: rng.Next(4) == 0 ? 30 : 0),
            Type("t1", 30 * rng.Next(1, 4), rng.Next(3) == 0 ? null : skills[rng.Next(skills.Count)], ["exam"]) with { Equipment = rng.Next(3) == 0 ? ["ultrasound"] : null },
        };

        var requests = new List<AppointmentRequest>();
        var count = rng.Next(3, 8);
        for (var i = 0; i < count; i++)
        {
            var patient = patients[rng.Next(patients.Count)].Id;
            var window = rng.Next(5);
            var request = new AppointmentRequest($"r{i}", patient, types[rng.Next(types.Count)].Id,
                window == 0 ? end : null, window == 1 ? start : null, rng.Next(1, 11));
            var earlier = requests.Where(r => r.PatientId == patient).ToList();
            if (earlier.Count > 0 && rng.Next(3) == 0)
            {
                request = request with { After = [new RequestLink(earlier[rng.Next(earlier.Count)].Id, 30 * rng.Next(2), rng.Next(2) == 0 ? null : 240)] };
            }

            requests.Add(request);
        }

        var problem = new Problem(new DateInterval(start, end), facilities, rooms, providers, patients, types, requests, [], Equipment: pools);
        var free = requests.Where(r => r.After.Count == 0 && requests.All(o => o.After.All(l => l.RequestId != r.Id))).ToList();
        if (end > start && free.Count >= 2 && rng.Next(4) == 0)
        {
            problem = problem with { Series = [new RequestSeries("s0", [free[0].Id, free[1].Id], 1, 30 * rng.Next(2))] };
        }

        if (rng.Next(4) == 0 && FirstFit.Schedule(problem).FirstOrDefault(a => free.Any(r => r.Id == a.RequestId) && problem.Series.All(x => !x.RequestIds.Contains(a.RequestId))) is { } witness)
        {
            problem = problem with { Fixed = [new FixedBooking(witness.RequestId, witness.ProviderId, witness.RoomId, witness.Start.ToInstant(), witness.FacilityId)] };
        }

        return problem;
    }

    /// <summary>
    /// Some rooms that hold several appointments at once, and a pool of portable ultrasound machines at some facilities
    /// that some types need. Drawn from a generator of their own, so the rest of a seed's problem stays as it was.
    /// </summary>
    private static Problem WithSharedPlaces(Problem problem, int seed)
    {
        var rng = new Random(unchecked((seed * 7919) + 17));
        var rooms = problem.Rooms.Select(r => rng.Next(4) == 0 ? r with { Capacity = rng.Next(2, 5) } : r).ToList();
        var pools = problem.Facilities.Where(_ => rng.Next(2) == 0)
            .Select(f => new EquipmentPool($"{f.Id}-ultrasound", f.Id, "ultrasound", rng.Next(1, 3))).ToList();
        var types = problem.AppointmentTypes.Select(t => rng.Next(4) == 0 ? t with { Equipment = ["ultrasound"] } : t).ToList();
        return problem with { Rooms = rooms, AppointmentTypes = types, Equipment = pools };
    }

    private static WeeklyHours Block(Random rng, int fromMin, int fromMax, int toMin, int toMax, bool allowWeekends)
    {
        var days = EveryDay.Where(d => (allowWeekends || d < IsoDayOfWeek.Saturday) && rng.Next(5) != 0).DefaultIfEmpty(IsoDayOfWeek.Monday).ToArray();
        var from = rng.Next(fromMin, fromMax) * 60 + (rng.Next(2) * 30);
        var to = Math.Min(1440, Math.Max(from + 60, rng.Next(toMin, toMax) * 60));
        return new WeeklyHours(days, LocalTime.FromMinutesSinceMidnight(from), to == 1440 ? LocalTime.Midnight : LocalTime.FromMinutesSinceMidnight(to));
    }

    private static Interval RandomBlock(Random rng, LocalDate start, LocalDate end)
    {
        var days = Period.Between(start, end, PeriodUnits.Days).Days + 1;
        var from = start.AtMidnight().InUtc().ToInstant() + Duration.FromMinutes(rng.Next(days * 24) * 60);
        return new Interval(from, from + Duration.FromMinutes(rng.Next(1, 12) * 60));
    }
}
