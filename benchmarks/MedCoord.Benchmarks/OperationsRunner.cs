using System.Diagnostics;
using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>
/// <c>scale replan</c>: a solved clinic instance loses its busiest provider-day, and is re-planned within a time limit.
/// <c>scale recommend</c>: latency of slot recommendations against a large book. The book is the engine's schedule
/// of a generated instance, cut to the requested number of appointments; the appointments cut are the requests
/// recommended for, in turn.
/// </summary>
public static class OperationsRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Recommend(Func<string, int, int> option)
    {
        var bookSize = option("book", 10_000);
        var providers = option("providers", 100);
        var weeks = option("weeks", 8);
        var calls = option("calls", 1000);
        var problem = ClinicGenerator.Create(option("seed", 1), bookSize * 11 / 10, facilityCount: 5, weeks: weeks, providerCount: providers);
        var solved = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(option("seconds", 20)), 2, 0));
        var fixedIds = problem.Fixed.Select(f => f.RequestId).ToHashSet();
        var rng = new Random(7);
        var movable = solved.Assignments.Where(a => !fixedIds.Contains(a.RequestId) && !problem.Requests.Any(r => r.After.Any(l => l.RequestId == a.RequestId)))
            .OrderBy(_ => rng.Next()).ToList();
        var cut = movable.Take(Math.Max(0, solved.Assignments.Count - bookSize)).Select(a => a.RequestId).ToHashSet();
        var book = solved with { Assignments = [.. solved.Assignments.Where(a => !cut.Contains(a.RequestId))] };
        var asked = cut.Concat(solved.Unscheduled.Select(u => u.RequestId)).ToList();

        var clock = Stopwatch.StartNew();
        var recommender = new SlotRecommender(problem, book);
        var buildMs = clock.Elapsed.TotalMilliseconds;

        var times = new List<double>();
        var withSlots = 0;
        for (var i = 0; i < calls + 20; i++)
        {
            clock.Restart();
            var result = recommender.Recommend(asked[i % asked.Count], top: 10);
            var ms = clock.Elapsed.TotalMilliseconds;
            if (i >= 20)
            {
                times.Add(ms);
                withSlots += result.Slots.Count > 0 ? 1 : 0;
            }
        }

        times.Sort();
        double Percentile(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p / 100 * times.Count) - 1)];
        Console.WriteLine("book,providers,weeks,calls,callsWithSlots,buildMs,medianMs,p99Ms,maxMs,meanMs");
        Console.WriteLine(string.Create(Inv,
            $"{book.Assignments.Count},{problem.Providers.Count},{weeks},{times.Count},{withSlots},{buildMs:0.0},{Percentile(50):0.000},{Percentile(99):0.000},{times[^1]:0.000},{times.Average():0.000}"));
        return 0;
    }

    public static int Replan(Func<string, int, int> option)
    {
        var size = option("size", 2000);
        var problem = ClinicGenerator.Create(option("seed", 1), size);
        var previous = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(option("solve-seconds", 30)), 2, 0));
        var fixedIds = problem.Fixed.Select(f => f.RequestId).ToHashSet();
        var busiest = previous.Assignments.Where(a => a.ProviderId is not null && !fixedIds.Contains(a.RequestId))
            .GroupBy(a => (a.ProviderId, a.Start.Date, a.FacilityId)).OrderByDescending(g => g.Count()).First();
        var zone = problem.Facilities.First(f => f.Id == busiest.Key.FacilityId).Zone;
        var dayOff = new Interval(zone.AtStartOfDay(busiest.Key.Date).ToInstant(), zone.AtStartOfDay(busiest.Key.Date.PlusDays(1)).ToInstant());
        var changed = problem with { Providers = [.. problem.Providers.Select(p => p.Id == busiest.Key.ProviderId ? p with { TimeOff = [.. p.TimeOff, dayOff] } : p)] };

        var clock = Stopwatch.StartNew();
        var result = new AppointmentScheduler().Replan(changed, previous, new SolveOptions(Duration.FromSeconds(option("seconds", 5)), 2, 0));
        var seconds = clock.Elapsed.TotalSeconds;
        var violations = MedCoord.Scheduling.Verification.ScheduleVerifier.Violations(changed, result.Schedule).Count;
        var moved = result.Changes.Count(c => c.Kind == AppointmentChangeKind.Moved);
        Console.WriteLine("requests,previousBooked,displacedByDayOff,moved,dropped,keptInPlace,previousPriority,newPriority,wallSeconds,status,violations");
        Console.WriteLine(string.Create(Inv,
            $"{size},{previous.Assignments.Count},{busiest.Count()},{moved},{result.Changes.Count - moved},{previous.Assignments.Count - result.Changes.Count},{previous.Objective.ScheduledPriority},{result.Schedule.Objective.ScheduledPriority},{seconds:0.000},{result.Schedule.Status},{violations}"));
        return 0;
    }
}
