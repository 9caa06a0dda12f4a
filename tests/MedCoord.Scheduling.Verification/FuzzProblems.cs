using MedCoord.Scheduling.Model;
using NodaTime;

namespace MedCoord.Scheduling.Verification;

/// <summary>
/// Problems for the fuzz campaign, each from (seed, index): 5 to 600 requests at one to four facilities in zones with a
/// 30-minute DST change (Australia/Lord_Howe), 45-minute offsets (Asia/Kathmandu, Pacific/Chatham) and both DST
/// directions of both hemispheres inside the horizon; patients as far as UTC+14 (Pacific/Kiritimati) and UTC−11
/// (Pacific/Pago_Pago) whose hours often meet a facility's only across a date line; links, series, equipment pools,
/// shared rooms, room and provider blocks, fixed bookings (legal together), tight or loose load, and now and then a
/// request nothing can host (a skill, feature or equipment kind nobody has).
/// </summary>
public static class FuzzProblems
{
    private static readonly string[] FacilityZones =
        ["Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "America/New_York", "Europe/London", "Pacific/Auckland", "America/Chicago"];

    private static readonly string[] PatientZones =
        ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Chatham", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Tongatapu", "America/New_York", "Europe/London"];

    /// <summary>Horizon starts a few days before a DST change: US and EU spring-forward, southern fall-back (Lord Howe's 30 minutes,
    /// Chatham, Auckland), southern spring-forward, EU and US fall-back.</summary>
    private static readonly LocalDate[] HorizonStarts =
    [
        new(2026, 3, 5), new(2026, 3, 26), new(2026, 4, 2), new(2026, 9, 24), new(2026, 10, 1), new(2026, 10, 22), new(2026, 10, 29),
    ];

    private static readonly IsoDayOfWeek[] Weekdays = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];
    private static readonly IsoDayOfWeek[] EveryDay = [.. Weekdays, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday];

    private static readonly AppointmentType[] Types =
    [
        new("gp-visit", 20, "gp", ["exam"], 5),
        new("new-patient", 40, "gp", ["exam"], 5),
        new("cardio", 30, "cardio", ["exam"]),
        new("echo", 45, "cardio", ["echo"], 10, ["ultrasound"]),
        new("ecg", 20, null, ["ecg"], 5),
        new("infusion", 90, null, ["infusion"], 15),
        new("physio", 45, "physio", ["gym"]),
        new("tele", 15, "tele", []),
        new("bedside-scan", 30, "gp", ["exam"], 0, ["ultrasound"]),
        new("neuro", 30, "neuro", ["exam"]),
        new("hyperbaric", 60, null, ["chamber"]),
        new("mri", 40, "gp", ["exam"], 0, ["mri"]),
    ];

    /// <summary>The problem of a campaign seed and index.</summary>
    /// <param name="seed">The campaign's seed.</param>
    /// <param name="index">The problem's number in the campaign.</param>
    /// <param name="maxRequests">Largest size drawn (sizes are log-uniform from 5).</param>
    public static Problem Create(int seed, int index, int maxRequests = 600)
    {
        var rng = Random(seed, index);
        return Create(rng, Size(rng, maxRequests));
    }

    /// <summary>The number of requests <see cref="Create"/> gives the same arguments, without building the problem.</summary>
    public static int SizeOf(int seed, int index, int maxRequests = 600) => Size(Random(seed, index), maxRequests);

    /// <summary>A fixed mix of seed and index (HashCode.Combine differs from process to process).</summary>
    private static Random Random(int seed, int index) => new(unchecked((seed * 1_000_003) + (index * 7_919) + 17));

    private static int Size(Random rng, int maxRequests)
    {
        var size = (int)Math.Round(Math.Exp(Math.Log(5) + (rng.NextDouble() * (Math.Log(Math.Max(5, maxRequests)) - Math.Log(5)))));
        return Math.Clamp(size, 5, Math.Max(5, maxRequests));
    }

    /// <summary>
    /// <paramref name="problem"/> made infeasible through its fixed bookings: a fixed request gets a new predecessor that
    /// must end exactly when it starts (a link of gap 0 to 0), and the patient is away for the twelve hours before, so no
    /// schedule exists and the solver must search for the conflicting fixed bookings. Null when no fixed booking suits.
    /// </summary>
    public static Problem? WithFixedConflict(Problem problem)
    {
        var requests = problem.Requests.ToDictionary(r => r.Id);
        var types = problem.AppointmentTypes.ToDictionary(t => t.Id);
        Duration Length(string id) => Duration.FromMinutes(requests[id].DurationMinutes ?? types[requests[id].TypeId].DurationMinutes);
        foreach (var f in problem.Fixed.OrderBy(f => f.RequestId, StringComparer.Ordinal))
        {
            var request = requests[f.RequestId];
            var away = new Interval(f.Start - Duration.FromHours(12), f.Start);
            var patientFixed = problem.Fixed.Where(g => requests[g.RequestId].PatientId == request.PatientId && g.RequestId != f.RequestId);
            if (request.After.Count > 0 || patientFixed.Any(g => g.Start < away.End && away.Start < g.Start + Length(g.RequestId)))
            {
                continue;
            }

            var before = new AppointmentRequest($"{f.RequestId}-before", request.PatientId, request.TypeId, request.Earliest, request.Latest, request.Priority);
            var patients = problem.Patients.Select(p => p.Id == request.PatientId ? p with { Unavailable = [.. p.Unavailable, away] } : p).ToList();
            var changed = problem.Requests.Select(r => r.Id == f.RequestId ? r with { After = [new RequestLink(before.Id, 0, 0)] } : r).Append(before).ToList();
            return problem with { Requests = changed, Patients = patients };
        }

        return null;
    }

    private static Problem Create(Random rng, int size)
    {
        var tight = rng.Next(2) == 0;
        var start = HorizonStarts[rng.Next(HorizonStarts.Length)];
        var days = rng.Next(5, 15);
        var horizon = new DateInterval(start, start.PlusDays(days - 1));

        var facilities = Enumerable.Range(0, Math.Min(4, 1 + rng.Next(1 + (size / 150)) + rng.Next(2))).Select(i =>
        {
            var zone = DateTimeZoneProviders.Tzdb[FacilityZones[rng.Next(FacilityZones.Length)]];
            IReadOnlyList<WeeklyHours>? hours = rng.Next(6) switch
            {
                0 => null,
                1 => [new WeeklyHours(EveryDay, new LocalTime(6, 0), LocalTime.Midnight)],
                _ => [new WeeklyHours(Weekdays, new LocalTime(rng.Next(6, 9), 0), new LocalTime(rng.Next(17, 21), 0)), new WeeklyHours([IsoDayOfWeek.Saturday], new LocalTime(8, 0), new LocalTime(13, 0))],
            };
            return new Facility($"f{i}", zone, hours);
        }).ToList();

        // Requests need about 35 provider-minutes; a provider gives about 7 hours on 5 of 7 days.
        var capacityPerProvider = 7 * 60 * days * 5 / 7.0;
        var load = tight ? 1.6 : 0.6;
        var providerCount = Math.Max(2, (int)Math.Round(size * 35 / capacityPerProvider / load));
        string[][] skillSets = [["gp"], ["gp", "tele"], ["cardio"], ["physio"], ["gp", "cardio"], ["tele"]];
        var providers = Enumerable.Range(0, providerCount).Select(i =>
        {
            var skills = skillSets[i % skillSets.Length];
            var home = facilities[i % facilities.Count];
            var from = (rng.Next(6, 11) * 60) + (rng.Next(2) * 30);
            var to = Math.Min(1440, from + (rng.Next(4, 10) * 60));
            var availability = new List<ProviderAvailability>
            {
                new(home.Id, new WeeklyHours(rng.Next(4) == 0 ? EveryDay : Weekdays, LocalTime.FromMinutesSinceMidnight(from), to == 1440 ? LocalTime.Midnight : LocalTime.FromMinutesSinceMidnight(to))),
            };
            if (facilities.Count > 1 && rng.Next(3) == 0)
            {
                var other = facilities[(i + 1) % facilities.Count];
                availability[0] = availability[0] with { Hours = availability[0].Hours with { Days = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday] } };
                availability.Add(new(other.Id, new WeeklyHours([IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday], new LocalTime(9, 0), new LocalTime(16, 0))));
            }

            var timeOff = rng.Next(8) == 0 ? new List<Interval> { DayBlock(home.Zone, horizon, rng) } : [];
            return new Provider($"dr{i:000}", skills, availability, timeOff);
        }).ToList();

        var rooms = new List<Room>();
        var pools = new List<EquipmentPool>();
        foreach (var f in facilities)
        {
            var exam = Math.Max(1, providers.Count(p => p.Availability[0].FacilityId == f.Id) * 2 / 3);
            for (var r = 0; r < exam; r++)
            {
                var room = new Room($"{f.Id}-exam{r:00}", f.Id, r % 3 == 0 ? ["exam", "ecg"] : ["exam"], []);
                rooms.Add(rng.Next(10) == 0 ? room with { Unavailable = [DayBlock(f.Zone, horizon, rng)] } : room);
            }

            rooms.Add(new Room($"{f.Id}-echo", f.Id, ["echo"], []));
            rooms.Add(new Room($"{f.Id}-infusion", f.Id, ["infusion"], [], rng.Next(2, 7)));
            rooms.Add(new Room($"{f.Id}-gym", f.Id, ["gym"], [], rng.Next(1, 4)));
            if (rng.Next(3) != 0)
            {
                pools.Add(new EquipmentPool($"{f.Id}-us", f.Id, "ultrasound", rng.Next(1, 3)));
            }
        }

        var patients = Enumerable.Range(0, Math.Max(2, size * 2 / 3)).Select(i => Patient($"p{i:0000}", rng, facilities, horizon)).ToList();

        // Mostly the common types; now and then one that nothing can host (neuro: no skill; hyperbaric: no room; mri: no pool).
        var weights = new[] { 18, 12, 10, 8, 8, 8, 10, 10, 8, 2, 2, 2 };
        var requests = new List<AppointmentRequest>();
        var seriesList = new List<RequestSeries>();
        var byPatient = new Dictionary<string, List<string>>();
        var inSeries = new HashSet<string>();
        while (requests.Count < size)
        {
            var patient = patients[rng.Next(patients.Count)].Id;
            var type = Types[Pick(rng, weights)];
            var earliest = horizon.Start.PlusDays(rng.Next(-1, days));
            var latest = earliest.PlusDays(rng.Next(0, days));
            var id = $"r{requests.Count:0000}";
            var priority = rng.Next(1, 11);
            if (size - requests.Count >= 3 && rng.Next(14) == 0 && type.Id is "physio" or "infusion" or "gp-visit" or "tele")
            {
                // A series of 2 to 4 visits, daily or weekly.
                var visits = Math.Min(size - requests.Count, rng.Next(2, 5));
                var interval = days >= 8 && rng.Next(2) == 0 ? 7 : rng.Next(1, 3);
                var ids = new List<string>();
                for (var k = 0; k < visits; k++)
                {
                    var visitId = $"r{requests.Count:0000}";
                    var date = earliest.PlusDays(k * interval);
                    requests.Add(new AppointmentRequest(visitId, patient, type.Id, k == 0 ? earliest : date.PlusDays(-1), k == 0 ? earliest.PlusDays(rng.Next(0, 3)) : date.PlusDays(3), priority));
                    ids.Add(visitId);
                    inSeries.Add(visitId);
                }

                seriesList.Add(new RequestSeries($"s{seriesList.Count:000}", ids, interval, rng.Next(3) switch { 0 => 0, 1 => 30, _ => 120 }, rng.Next(3) != 0));
                continue;
            }

            var request = new AppointmentRequest(id, patient, type.Id, rng.Next(6) == 0 ? null : earliest, rng.Next(6) == 0 ? null : latest, priority,
                rng.Next(8) == 0 ? 5 * rng.Next(2, 13) : null,
                type.ProviderSkill is not null && rng.Next(5) == 0 ? providers[rng.Next(providers.Count)].Id : null);
            if (byPatient.TryGetValue(patient, out var earlier) && rng.Next(3) == 0)
            {
                var min = rng.Next(3) * 30;
                request = request with
                {
                    Earliest = request.Earliest is null ? null : LocalDate.Min(request.Earliest.Value, horizon.Start.PlusDays(days / 2)),
                    Latest = rng.Next(2) == 0 ? horizon.End : request.Latest,
                    After = [new RequestLink(earlier[rng.Next(earlier.Count)], min, rng.Next(2) == 0 ? null : min + (rng.Next(0, 4) == 0 ? 60 : 1440 * rng.Next(1, 4)))],
                };
            }

            requests.Add(request);
            (byPatient.TryGetValue(patient, out var list) ? list : byPatient[patient] = []).Add(id);
        }

        var problem = new Problem(horizon, facilities, rooms, providers, patients, Types, requests, [], null, pools, seriesList);
        return problem with { Fixed = FixedBookings(problem, inSeries, rng) };
    }

    private static Patient Patient(string id, Random rng, List<Facility> facilities, DateInterval horizon)
    {
        var unavailable = rng.Next(8) == 0 ? new List<Interval> { DayBlock(DateTimeZone.Utc, horizon, rng) } : [];
        if (rng.Next(10) >= 3)
        {
            return new Patient(id, null, null, unavailable);
        }

        var zone = DateTimeZoneProviders.Tzdb[PatientZones[rng.Next(PatientZones.Length)]];
        if (rng.Next(3) == 0)
        {
            // Hours of their own, which may never meet a facility's (a true NoAvailabilityInWindow).
            var from = rng.Next(6, 16);
            return new Patient(id, zone, [new WeeklyHours(rng.Next(2) == 0 ? Weekdays : EveryDay, new LocalTime(from, 0), new LocalTime(from + rng.Next(2, 7), 0))], unavailable);
        }

        // Hours that meet a facility's afternoon on the patient's own clock, often on the next or previous local date:
        // a facility in New York at 15:00 on a Friday is Saturday 10:00 at Kiritimati.
        var facility = facilities[rng.Next(facilities.Count)];
        var probe = horizon.End.PlusDays(-rng.Next(0, 2)).At(new LocalTime(rng.Next(9, 16), 0));
        var there = facility.Zone.AtLeniently(probe).ToInstant().InZone(zone).LocalDateTime;
        var fromMinute = Math.Max(0, (there.Hour * 60) - 60);
        var toMinute = Math.Min(1440, fromMinute + (rng.Next(2, 5) * 60));
        return new Patient(id, zone, [new WeeklyHours([there.DayOfWeek, there.PlusDays(-1).DayOfWeek, there.PlusDays(-3).DayOfWeek], LocalTime.FromMinutesSinceMidnight(fromMinute), toMinute == 1440 ? LocalTime.Midnight : LocalTime.FromMinutesSinceMidnight(toMinute))], unavailable);
    }

    /// <summary>About 3 % of requests outside series, of patients without hours of their own, become fixed, where a first-fit schedule put them (with their predecessors, also as placed), so they are legal together.</summary>
    private static List<FixedBooking> FixedBookings(Problem problem, HashSet<string> inSeries, Random rng)
    {
        var requests = problem.Requests.ToDictionary(r => r.Id);
        bool TouchesSeries(string id) => inSeries.Contains(id) || requests[id].After.Any(l => TouchesSeries(l.RequestId));
        // Patients with hours of their own are left out: a fixed booking is a commitment the problem states, not a test of the edges.
        var patients = problem.Patients.ToDictionary(p => p.Id);
        bool Plain(string id) => !TouchesSeries(id) && patients[requests[id].PatientId].Hours is null && requests[id].After.All(l => Plain(l.RequestId));
        var plain = problem with { Requests = [.. problem.Requests.Where(r => Plain(r.Id))], Series = [] };
        var witness = FirstFit.Schedule(plain).ToDictionary(a => a.RequestId);
        var chosen = witness.Keys.Order(StringComparer.Ordinal).Where(_ => rng.Next(33) == 0).ToList();
        var closure = new Dictionary<string, FixedBooking>();
        var pending = new Stack<string>(chosen);
        while (pending.TryPop(out var id))
        {
            var a = witness[id];
            if (closure.TryAdd(id, new FixedBooking(id, a.ProviderId, a.RoomId, a.Start.ToInstant(), a.RoomId is not null && rng.Next(2) == 0 ? null : a.FacilityId)))
            {
                foreach (var link in requests[id].After)
                {
                    pending.Push(link.RequestId);
                }
            }
        }

        return [.. closure.Values.OrderBy(f => f.RequestId, StringComparer.Ordinal)];
    }

    private static Interval DayBlock(DateTimeZone zone, DateInterval horizon, Random rng)
    {
        var date = horizon.Start.PlusDays(rng.Next(0, Period.Between(horizon.Start, horizon.End, PeriodUnits.Days).Days + 1));
        var from = zone.AtLeniently(date.At(new LocalTime(rng.Next(0, 20), 0))).ToInstant();
        return new Interval(from, from + Duration.FromHours(rng.Next(2, 30)));
    }

    private static int Pick(Random rng, int[] weights)
    {
        var x = rng.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
