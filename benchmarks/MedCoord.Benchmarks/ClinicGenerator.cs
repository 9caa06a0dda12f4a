using MedCoord.Scheduling.Model;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>
/// Deterministic clinic-scale instances: 1 to 5 facilities in different zones over two weeks that hold the
/// 2026-11-01 DST change, demand about 1.2 × provider capacity, care-pathway links, fixed bookings, telehealth,
/// room-only tests and patients with limited hours in their own zones.
/// </summary>
public static class ClinicGenerator
{
    private static readonly string[] Zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix"];
    private static readonly string[] PatientZones = ["America/Anchorage", "Pacific/Honolulu", "Europe/London", "America/Halifax"];
    private static readonly IsoDayOfWeek[] Weekdays = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    private static readonly AppointmentType[] Types =
    [
        new("new-patient", 40, "primary-care", ["exam"], 5),
        new("follow-up", 20, "primary-care", ["exam"], 5),
        new("tele-follow-up", 15, "telehealth", []),
        new("cardio-consult", 30, "cardiology", ["exam"]),
        new("echo", 45, "echo", ["echo"], 15),
        new("ecg", 20, null, ["ecg"], 10),
        new("lab-draw", 10, null, ["lab"]),
    ];

    /// <summary>Facilities for a size: 1 up to 500 requests, 3 up to 2,000, 5 beyond.</summary>
    public static int FacilitiesFor(int requests) => requests <= 500 ? 1 : requests <= 2000 ? 3 : 5;

    /// <param name="seed">Random seed: the same seed gives the same instance.</param>
    /// <param name="requestCount">Requests.</param>
    /// <param name="facilityCount">Facilities; by default from <see cref="FacilitiesFor"/>.</param>
    /// <param name="weeks">Weeks in the horizon, from 2026-10-26.</param>
    /// <param name="providerCount">Providers; by default sized for demand ≈ 1.2 × capacity.</param>
    public static Problem Create(int seed, int requestCount, int? facilityCount = null, int weeks = 2, int? providerCount = null)
    {
        var rng = new Random(seed);
        var start = new LocalDate(2026, 10, 26);
        var horizon = new DateInterval(start, start.PlusDays((7 * weeks) - 1));
        var facilities = Enumerable.Range(0, facilityCount ?? FacilitiesFor(requestCount))
            .Select(i => new Facility($"site-{i}", DateTimeZoneProviders.Tzdb[Zones[i % Zones.Length]], [new WeeklyHours(Weekdays, new LocalTime(7, 0), new LocalTime(19, 0))]))
            .ToList();

        // Provider-minutes per facility per fortnight: 10 days × 8 h = 4,800 per provider. Demand of ~27 provider
        // minutes per request on average, so providers ≈ requests × 27 / 4800 / 1.2.
        providerCount ??= Math.Max(4, (int)Math.Round(requestCount * AverageProviderMinutes / 4800.0 / 1.2 * 2 / weeks));
        var providers = new List<Provider>();
        for (var i = 0; i < providerCount; i++)
        {
            var skills = (i % 6) switch
            {
                0 or 1 or 2 => new[] { "primary-care" },
                3 => ["primary-care", "telehealth"],
                4 => ["cardiology", "echo"],
                _ => ["cardiology", "primary-care"],
            };
            var home = facilities[i % facilities.Count];
            var other = facilities[(i + 1) % facilities.Count];
            var morning = rng.Next(7, 10);
            var availability = new List<ProviderAvailability>
            {
                new(home.Id, new WeeklyHours([.. Weekdays.Where(d => d != IsoDayOfWeek.Friday || other == home)], new LocalTime(morning, 0), new LocalTime(morning + 8, 0))),
            };
            if (other != home)
            {
                availability.Add(new(other.Id, new WeeklyHours([IsoDayOfWeek.Friday], new LocalTime(morning, 0), new LocalTime(morning + 8, 0))));
            }

            var timeOff = rng.Next(10) == 0
                ? new List<Interval> { DayOff(home.Zone, start.PlusDays(rng.Next(0, 7 * weeks))) }
                : [];
            providers.Add(new Provider($"prov-{i:0000}", skills, availability, timeOff));
        }

        var rooms = new List<Room>();
        foreach (var facility in facilities)
        {
            var providersHere = providers.Count(p => p.Availability[0].FacilityId == facility.Id);
            for (var r = 0; r < Math.Max(2, providersHere); r++)
            {
                var features = (r % 5) switch
                {
                    0 => new[] { "exam", "ecg" },
                    4 => ["echo"],
                    _ => ["exam"],
                };
                rooms.Add(new Room($"{facility.Id}-room-{r:000}", facility.Id, features, []));
            }

            rooms.Add(new Room($"{facility.Id}-lab", facility.Id, ["lab"], []));
        }

        var patientCount = Math.Max(1, requestCount * 2 / 3);
        var patients = Enumerable.Range(0, patientCount).Select(i =>
        {
            if (rng.Next(10) != 0)
            {
                return new Patient($"pat-{i:00000}", null, null, []);
            }

            var zone = DateTimeZoneProviders.Tzdb[PatientZones[rng.Next(PatientZones.Length)]];
            var from = rng.Next(6, 14);
            return new Patient($"pat-{i:00000}", zone, [new WeeklyHours(Weekdays, new LocalTime(from, 0), new LocalTime(from + 6, 0))], []);
        }).ToList();

        var requests = new List<AppointmentRequest>();
        var byPatient = new Dictionary<string, List<AppointmentRequest>>();
        for (var i = 0; i < requestCount; i++)
        {
            var patient = patients[rng.Next(patients.Count)].Id;
            var type = PickType(rng);
            var earliest = start.PlusDays(rng.Next(0, (7 * weeks) - 2));
            var latest = LocalDate.Min(horizon.End, earliest.PlusDays(rng.Next(1, 6)));
            var request = new AppointmentRequest($"req-{i:00000}", patient, type.Id, earliest, latest, 1 + rng.Next(5),
                PreferredProviderId: type.ProviderSkill is not null && rng.Next(5) == 0 ? providers[rng.Next(providers.Count)].Id : null);
            if (byPatient.TryGetValue(patient, out var earlier) && rng.Next(3) == 0)
            {
                var previous = earlier[^1];
                request = request with
                {
                    Earliest = previous.Earliest,
                    Latest = horizon.End,
                    After = [new RequestLink(previous.Id, 30, rng.Next(2) == 0 ? null : 4320)],
                };
            }

            requests.Add(request);
            (byPatient.TryGetValue(patient, out var list) ? list : byPatient[patient] = []).Add(request);
        }

        var problem = new Problem(horizon, facilities, rooms, providers, patients, Types, requests, []);
        return problem with { Fixed = FixedFromFirstFit(problem, rng) };
    }

    private const double AverageProviderMinutes = 27;

    private static AppointmentType PickType(Random rng) => rng.Next(100) switch
    {
        < 25 => Types[0],
        < 55 => Types[1],
        < 67 => Types[2],
        < 77 => Types[3],
        < 84 => Types[4],
        < 92 => Types[5],
        _ => Types[6],
    };

    private static Interval DayOff(DateTimeZone zone, LocalDate date) =>
        new(zone.AtStartOfDay(date).ToInstant(), zone.AtStartOfDay(date.PlusDays(1)).ToInstant());

    /// <summary>About 2 % of unlinked requests become fixed bookings, placed where a first-fit booking put them, so they are legal together.</summary>
    private static List<FixedBooking> FixedFromFirstFit(Problem problem, Random rng)
    {
        var linked = problem.Requests.Where(r => r.After.Count > 0).SelectMany(r => r.After.Select(l => l.RequestId)).ToHashSet();
        var candidates = problem.Requests.Where(r => r.After.Count == 0 && !linked.Contains(r.Id) && rng.Next(50) == 0).Select(r => r.Id).ToHashSet();
        var sample = problem with { Requests = [.. problem.Requests.Where(r => candidates.Contains(r.Id))] };
        return [.. MedCoord.Scheduling.Verification.FirstFit.Schedule(sample)
            .Select(a => new FixedBooking(a.RequestId, a.ProviderId, a.RoomId, a.Start.ToInstant(), a.FacilityId))];
    }
}
