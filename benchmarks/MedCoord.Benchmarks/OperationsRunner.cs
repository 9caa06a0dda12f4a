using System.Diagnostics;
using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>
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
        var movable = solved.Assignments.Where(a => !fixedIds.Contains(a.RequestId) && !problem.Requests.Any(r => r.Links.Any(l => l.RequestId == a.RequestId)))
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
}
