using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Verification;

namespace MedCoord.Benchmarks;

/// <summary>
/// <c>scale timing</c>: wall time against the time limit (target: the limit plus max(5 %, 0.5 s), explanations and
/// conflict search included) and cancellation latency (cancelled at a random moment: back within 1 s with a schedule the
/// verifier accepts), over clinic instances of several sizes, fuzz problems and fuzz problems made infeasible by their
/// fixed bookings. Each solve runs in its own process (<c>scale solve-one</c>), timed inside it around the call.
/// </summary>
internal static class TimingRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(ScaleOptions o)
    {
        var sizes = (o.Get("sizes") ?? "200,1000,2000").Split(',').Select(s => int.Parse(s, Inv)).ToList();
        var seconds = o.Double("seconds", 5);
        var fuzzCount = o.Int("fuzz", 20);
        var fuzzSeconds = o.Double("fuzz-seconds", 2);
        var seed = o.Int("seed", 1);
        var workers = o.Int("workers", 2);
        var rng = new Random(seed);
        var work = Directory.CreateTempSubdirectory("medcoord-timing-");
        var cases = new List<(string Kind, string Name, Problem Problem, double Limit)>();
        foreach (var size in sizes)
        {
            cases.Add(("clinic", $"clinic {size}", ClinicGenerator.Create(seed, size), seconds));
        }

        for (var i = 0; i < fuzzCount; i++)
        {
            var problem = FuzzProblems.Create(seed, i);
            cases.Add(("fuzz", $"fuzz {seed}/{i} ({problem.Requests.Count})", problem, fuzzSeconds));
            if (i % 2 == 0 && FuzzProblems.WithFixedConflict(problem) is { } infeasible)
            {
                cases.Add(("infeasible", $"fixed conflict {seed}/{i} ({infeasible.Requests.Count})", infeasible, fuzzSeconds));
            }
        }

        var rows = new List<string> { "kind,name,requests,limit,mode,cancelAfter,status,wallSeconds,allowedSeconds,overSeconds,cancelLatency,invalid" };
        Console.WriteLine($"{"case",-32} {"limit",6} {"mode",-7} {"status",-16} {"wall s",7} {"allowed",7} {"over",6} {"cancel→return",13} {"verified",8}");
        var results = new List<(string Kind, string Name, string Mode, FuzzRow Row)>();
        var n = 0;
        foreach (var (kind, name, problem, limit) in cases)
        {
            foreach (var cancelAfter in new double?[] { null, Math.Round(limit * (0.1 + (0.8 * rng.NextDouble())), 3) })
            {
                var row = FuzzRunner.RunCase(problem, name, Path.Combine(work.FullName, $"{n++}"), limit, cancelAfter, workers, verifyOnly: true);
                var mode = cancelAfter is null ? "limit" : "cancel";
                results.Add((kind, name, mode, row));
                var over = row.WallSeconds - limit;
                var latency = row.CancelLatencySeconds is { } l ? l.ToString("0.000", Inv) : "-";
                Console.WriteLine(string.Create(Inv,
                    $"{name,-32} {limit,6:0.0} {mode,-7} {row.Status,-16} {row.WallSeconds,7:0.000} {row.AllowedSeconds,7:0.00} {Signed(over, 2),6} {latency,13} {(row.Findings.Invalid == 0 && row.ExitCode == 0 ? "yes" : "NO"),8}"));
                rows.Add(string.Create(Inv,
                    $"{kind},{name},{problem.Requests.Count},{limit},{mode},{cancelAfter},{row.Status},{row.WallSeconds:0.000},{row.AllowedSeconds:0.000},{Rounded(over, 3):0.000},{latency},{row.Findings.Invalid}"));
            }
        }

        work.Delete(recursive: true);
        File.WriteAllLines(o.Get("csv") ?? "timing.csv", rows);

        Console.WriteLine();
        Console.WriteLine("| cases | solves | worst wall − limit (s) | over limit + max(5 %, 0.5 s) | cancels | worst cancel → return (s) | cancels over 1 s | schedules rejected by the verifier | aborts |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var group in results.GroupBy(r => r.Kind))
        {
            var limited = group.Where(r => r.Mode == "limit" && r.Row.ExitCode == 0).ToList();
            var cancels = group.Where(r => r.Mode == "cancel" && r.Row.ExitCode == 0).ToList();
            var worstOver = limited.Count == 0 ? "—" : Signed(limited.Max(r => r.Row.WallSeconds - r.Row.LimitSeconds), 3);
            var latencies = cancels.Where(r => r.Row.CancelLatencySeconds is not null).Select(r => r.Row.CancelLatencySeconds!.Value).ToList();
            var worstLatency = latencies.Count == 0 ? "—" : latencies.Max().ToString("0.000", Inv);
            Console.WriteLine(string.Create(Inv,
                $"| {group.Key} | {group.Count()} | {worstOver} | {limited.Count(r => r.Row.OverTime)} | {cancels.Count} | {worstLatency} | {cancels.Count(r => r.Row.CancelLatencySeconds > 1.0)} | {group.Count(r => r.Row.Findings.Invalid > 0)} | {group.Count(r => r.Row.ExitCode != 0)} |"));
        }

        Console.WriteLine();
        foreach (var (kind, name, mode, row) in results.OrderByDescending(r => r.Mode == "limit" ? r.Row.WallSeconds - r.Row.LimitSeconds : -1).Take(3))
        {
            Console.WriteLine(string.Create(Inv, $"worst over the limit: {name} ({kind}) {row.WallSeconds:0.000} s for a {row.LimitSeconds} s limit, {row.Status}"));
        }

        foreach (var (kind, name, _, row) in results.Where(r => r.Mode == "cancel").OrderByDescending(r => r.Row.CancelLatencySeconds ?? -1).Take(3))
        {
            Console.WriteLine(string.Create(Inv, $"slowest cancellation: {name} ({kind}) cancelled at {row.CancelAfterSeconds} s, returned {row.CancelLatencySeconds:0.000} s later, {row.Status}"));
        }

        foreach (var (kind, name, mode, row) in results.Where(r => r.Row.ExitCode != 0 || r.Row.Findings.Invalid > 0))
        {
            Console.WriteLine($"failing: {name} ({kind}, {mode}): {string.Join("; ", row.Notes.Concat(row.Findings.Details).Take(3))}");
        }

        return 0;
    }

    /// <summary>A number with its sign, rounded first, so that a value rounding to zero reads +0.</summary>
    private static string Signed(double value, int digits)
    {
        var rounded = Rounded(value, digits);
        return rounded.ToString((rounded >= 0 ? "+0." : "0.") + new string('0', digits), Inv);
    }

    /// <summary>Rounded, a negative zero made zero (it would print as -0).</summary>
    private static double Rounded(double value, int digits)
    {
        var rounded = Math.Round(value, digits);
        return rounded == 0 ? 0 : rounded;
    }
}
