using System.Diagnostics;
using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Verification;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>
/// <c>scale concurrent</c>: clinic instances (<see cref="ClinicGenerator"/>, a different seed each) solved 16 at once in
/// this one process, three rounds, with solution callbacks, part-way cancellations and forced garbage collections
/// (<see cref="ConcurrentSolves"/>); every schedule verified. Reports each round's wall time and any violation.
/// </summary>
internal static class ConcurrencyRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(ScaleOptions o)
    {
        var size = o.Int("size", 300);
        var atOnce = o.Int("at-once", 16);
        var rounds = o.Int("rounds", 3);
        var seconds = o.Double("seconds", 10);
        var seed = o.Int("seed", 1);
        var options = new SolveOptions(Duration.FromSeconds(seconds), o.Int("workers", 1), 0);
        Console.WriteLine($"concurrent: {atOnce} clinics of {size} requests at once, {rounds} rounds, {seconds.ToString(Inv)} s and {options.Workers} worker(s) each, {Environment.ProcessorCount} cores");
        var problems = Enumerable.Range(0, rounds).Select(r => Enumerable.Range(0, atOnce).Select(i => ClinicGenerator.Create(seed + (r * atOnce) + i, size)).ToList()).ToList();
        var clock = Stopwatch.StartNew();
        var roundEnds = new List<double>();
        var results = ConcurrentSolves.Run(r =>
        {
            roundEnds.Add(clock.Elapsed.TotalSeconds);
            return problems[r];
        }, rounds, options);
        roundEnds.Add(clock.Elapsed.TotalSeconds);

        Console.WriteLine("| round | solves | wall (s) | statuses | cancelled | progress reports | schedules with violations |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var round in results.GroupBy(r => r.Round))
        {
            var statuses = string.Join(", ", round.GroupBy(r => r.Status).Select(g => $"{g.Key} {g.Count()}"));
            Console.WriteLine(string.Create(Inv,
                $"| {round.Key + 1} | {round.Count()} | {roundEnds[round.Key + 1] - roundEnds[round.Key]:0.0} | {statuses} | {round.Count(r => r.Cancelled)} | {round.Sum(r => r.Progress)} | {round.Count(r => r.Violations.Count > 0)} |"));
        }

        foreach (var bad in results.Where(r => r.Violations.Count > 0))
        {
            Console.WriteLine($"round {bad.Round + 1} solve {bad.Index}: {string.Join("; ", bad.Violations.Take(3))}");
        }

        var violating = results.Count(r => r.Violations.Count > 0);
        Console.WriteLine(string.Create(Inv, $"concurrent: {results.Count} solves in {clock.Elapsed.TotalSeconds:0.0} s, {violating} with violations, process alive"));
        return violating == 0 ? 0 : 1;
    }
}
