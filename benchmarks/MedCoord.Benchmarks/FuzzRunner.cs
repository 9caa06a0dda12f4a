using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Validation;
using MedCoord.Scheduling.Verification;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>
/// <c>scale fuzz</c>: generated problems (<see cref="FuzzProblems"/>), each solved in a child process of this program
/// (<c>scale solve-one</c>: problem file in, schedule file out), so that a native abort is counted, not fatal; every
/// schedule is checked independently (<see cref="FuzzCheck"/>). A failing case is written to a folder with its seed and
/// index, and <c>scale fuzz --replay FOLDER/problem.json</c> solves and checks it again.
/// </summary>
internal static class FuzzRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Fuzz(ScaleOptions o)
    {
        if (o.Get("replay") is { } replay)
        {
            return Replay(replay, o);
        }

        var count = o.Int("count", 200);
        var seed = o.Int("seed", 1);
        var jobs = o.Int("jobs", Math.Max(1, Environment.ProcessorCount));
        var seconds = o.Double("seconds", 2);
        var maxRequests = o.Int("max-requests", 600);
        var failures = o.Get("failures") ?? "fuzz-failures";
        var work = Directory.CreateTempSubdirectory("medcoord-fuzz-");
        var rows = new ConcurrentDictionary<int, FuzzRow>();
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"fuzz: {count} problems from seed {seed}, up to {maxRequests} requests, {seconds.ToString(Inv)} s and 1 worker each, {jobs} at once");
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, index =>
        {
            var problem = FuzzProblems.Create(seed, index, maxRequests);
            var row = RunCase(problem, $"seed {seed} index {index}", Path.Combine(work.FullName, $"{index}"), seconds);
            rows[index] = row;
            if (row.Failed)
            {
                var folder = Path.Combine(failures, $"seed{seed}-{index:00000}");
                SaveFailure(folder, row, $"scale fuzz --replay {Path.Combine(folder, "problem.json")} --seconds {seconds.ToString(Inv)}");
            }

            var line = row.Failed ? $"  FAIL {string.Join(" | ", row.Summary())}" : string.Empty;
            Console.WriteLine(string.Create(Inv, $"{index,5} {row.Requests,4} req {row.Status,-15} prio {row.Priority,5}/{row.Bound,-5} ff {row.FirstFit,5} {row.WallSeconds,6:0.00}s{line}"));
        });
        work.Delete(recursive: true);

        var all = rows.OrderBy(r => r.Key).Select(r => r.Value).ToList();
        File.WriteAllLines(o.Get("csv") ?? "fuzz.csv", [FuzzRow.Header, .. all.Select((r, i) => r.ToCsv(seed, i))]);
        PrintTable(all, seed, seconds, clock.Elapsed);
        return 0;
    }

    /// <summary>Writes the problem, solves it in a child process and checks what came back.</summary>
    public static FuzzRow RunCase(Problem generated, string name, string folder, double seconds, double? cancelAfterSeconds = null, int workers = 1, bool verifyOnly = false)
    {
        Directory.CreateDirectory(folder);
        string json;
        try
        {
            json = ProblemFile.Serialize(generated);
        }
        catch (ProblemValidationException e)
        {
            return new FuzzRow(name, string.Empty, generated.Requests.Count, null, "GeneratorInvalid", 0, 0, 0, 0, null, 0, 0, null,
                new FuzzFindings(0, 0, 0, 0, 0, 0, [.. e.Errors.Take(5).Select(x => $"generator: {x}")]), ["the library rejects a generated problem"]);
        }

        var problemPath = Path.Combine(folder, "problem.json");
        File.WriteAllText(problemPath, json);
        var errors = ProblemFile.TryParse(json, out var problem);
        if (errors.Count > 0 || problem is null)
        {
            return new FuzzRow(name, json, generated.Requests.Count, null, "GeneratorInvalid", 0, 0, 0, 0, null, 0, 0, null,
                new FuzzFindings(0, 0, 0, 0, 0, 0, [.. errors.Take(5).Select(e => $"generator: {e}")]), ["the library rejects a generated problem"]);
        }

        var schedulePath = Path.Combine(folder, "schedule.json");
        var child = SolveInChild(problemPath, schedulePath, seconds, workers, cancelAfterSeconds);
        var priorities = problem.Requests.ToDictionary(r => r.Id, r => (long)r.Priority);
        var firstFit = verifyOnly ? null : FuzzCheck.FirstFitWithoutSeries(problem);
        var firstFitPriority = firstFit?.Sum(a => priorities[a.RequestId]) ?? 0;
        if (child.ExitCode != 0 || !File.Exists(schedulePath))
        {
            return new FuzzRow(name, json, problem.Requests.Count, null, child.TimedOut ? "Hung" : $"Exit{child.ExitCode}", 0, 0, firstFitPriority, child.WallSeconds, null, child.ExitCode, 0, null,
                new FuzzFindings(0, 0, 0, 0, 0, 0, []), [child.TimedOut ? "the child solve did not return" : $"the child died with exit code {child.ExitCode}", .. child.ErrorTail]);
        }

        var scheduleJson = File.ReadAllText(schedulePath);
        var schedule = ScheduleFile.Parse(scheduleJson);
        var findings = verifyOnly
            ? ScheduleVerifier.Violations(problem, schedule) is { Count: > 0 } v ? new FuzzFindings(1, 0, 0, 0, 0, 0, [.. v.Take(5)]) : new FuzzFindings(0, 0, 0, 0, 0, 0, [])
            : FuzzCheck.Check(problem, schedule);
        return new FuzzRow(name, json, problem.Requests.Count, scheduleJson, schedule.Status.ToString(), schedule.Objective.ScheduledPriority, schedule.Objective.UpperBound,
            firstFitPriority, child.WallSeconds, child.CancelLatencySeconds, 0, seconds, cancelAfterSeconds, findings, []);
    }

    private static int Replay(string path, ScaleOptions o)
    {
        var errors = ProblemFile.TryParse(File.ReadAllText(path), out var problem);
        if (problem is null || errors.Count > 0)
        {
            Console.WriteLine($"{path}: the library rejects the problem");
            errors.ToList().ForEach(e => Console.WriteLine($"  {e}"));
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("medcoord-replay-");
        var row = RunCase(problem, path, work.FullName, o.Double("seconds", 2), workers: o.Int("workers", 1));
        work.Delete(recursive: true);
        Console.WriteLine(string.Create(Inv, $"{path}: {row.Requests} requests, {row.Status}, priority {row.Priority}, bound {row.Bound}, first fit {row.FirstFit}, {row.WallSeconds:0.00} s"));
        foreach (var line in row.Notes.Concat(row.Findings.Details))
        {
            Console.WriteLine($"  {line}");
        }

        Console.WriteLine(row.Failed ? $"FAIL: {string.Join(", ", row.Summary())}" : "OK: no finding");
        return row.Failed ? 1 : 0;
    }

    private static void SaveFailure(string folder, FuzzRow row, string replay)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "problem.json"), row.ProblemJson);
        if (row.ScheduleJson is not null)
        {
            File.WriteAllText(Path.Combine(folder, "schedule.json"), row.ScheduleJson);
        }

        File.WriteAllLines(Path.Combine(folder, "findings.txt"), [row.Name, $"replay: dotnet run -c Release --project benchmarks/MedCoord.Benchmarks -- {replay}", .. row.Notes, .. row.Findings.Details]);
    }

    private static void PrintTable(List<FuzzRow> rows, int seed, double seconds, TimeSpan elapsed)
    {
        int Count(Func<FuzzRow, bool> f) => rows.Count(f);
        var aborts = Count(r => r.ExitCode != 0 && r.Status != "Hung");
        var hung = Count(r => r.Status == "Hung");
        var generator = Count(r => r.Status == "GeneratorInvalid");
        var invalid = Count(r => r.Findings.Invalid > 0);
        var reasons = Count(r => r.Findings.FalseReasons > 0);
        var optimality = Count(r => r.Findings.FalseOptimality > 0);
        var nonMaximal = Count(r => r.Findings.NonMaximal > 0);
        var below = Count(r => r.Findings.BelowFirstFit > 0);
        var overTime = Count(r => r.OverTime);
        var undecided = rows.Sum(r => r.Findings.Undecided);
        Console.WriteLine();
        Console.WriteLine("| problems | requests | aborts | hung | invalid | false reasons | false optimality | non-maximal | below first fit | over time | generator rejected | undecided searches |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(Inv,
            $"| {rows.Count} | {rows.Min(r => r.Requests)}–{rows.Max(r => r.Requests)} | {aborts} | {hung} | {invalid} | {reasons} | {optimality} | {nonMaximal} | {below} | {overTime} | {generator} | {undecided} |"));
        Console.WriteLine();
        var statuses = string.Join(", ", rows.GroupBy(r => r.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        foreach (var r in rows.Where(r => r.Failed))
        {
            Console.WriteLine($"failing: {r.Name}: {string.Join(", ", r.Summary())}");
        }

        var failing = Count(r => r.Failed);
        Console.WriteLine(string.Create(Inv,
            $"fuzz seed {seed}: {rows.Count} problems ({statuses}), {failing} failing, {seconds} s limit, {elapsed.TotalMinutes:0.0} min; worst wall {rows.Max(r => r.WallSeconds):0.00} s"));
    }

    /// <summary>What a child solve returned.</summary>
    public sealed record ChildResult(int ExitCode, bool TimedOut, double WallSeconds, double? CancelLatencySeconds, IReadOnlyList<string> ErrorTail);

    /// <summary>Runs <c>scale solve-one</c> in a child process; kills it if it does not return within three times its limit plus a minute.</summary>
    public static ChildResult SolveInChild(string problemPath, string schedulePath, double seconds, int workers, double? cancelAfterSeconds)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FuzzRunner).Assembly.Location);
        }

        string[] args = ["scale", "solve-one", "--problem", problemPath, "--out", schedulePath, "--seconds", seconds.ToString(Inv), "--workers", workers.ToString(Inv)];
        foreach (var a in cancelAfterSeconds is { } c ? [.. args, "--cancel-after", c.ToString("0.###", Inv)] : args)
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        var timedOut = !child.WaitForExit(TimeSpan.FromSeconds((3 * seconds) + 60));
        if (timedOut)
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }

        var values = stdout.Result.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => double.Parse(p[1], Inv));
        var tail = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(8).ToList();
        return new ChildResult(timedOut ? -1 : child.ExitCode, timedOut, values.GetValueOrDefault("wall", double.NaN),
            values.TryGetValue("cancelLatency", out var latency) ? latency : null, tail);
    }

    /// <summary><c>scale solve-one --problem P --out S [--seconds 2] [--workers 1] [--cancel-after SECONDS]</c>: the child mode.</summary>
    public static int SolveOne(ScaleOptions o)
    {
        var problem = ProblemFile.Parse(File.ReadAllText(o.Get("problem") ?? throw new ArgumentException("--problem is required", nameof(o))));
        var output = o.Get("out") ?? throw new ArgumentException("--out is required", nameof(o));
        using var cancel = new CancellationTokenSource();
        var cancelledAt = (double?)null;
        var clock = Stopwatch.StartNew();
        if (o.Get("cancel-after") is not null)
        {
            var after = TimeSpan.FromSeconds(o.Double("cancel-after", 0));
            _ = Task.Delay(after).ContinueWith(_ =>
            {
                cancelledAt = clock.Elapsed.TotalSeconds;
                cancel.Cancel();
            }, TaskScheduler.Default);
        }

        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(o.Double("seconds", 2)), o.Int("workers", 1), 0), null, cancel.Token);
        var wall = clock.Elapsed.TotalSeconds;
        File.WriteAllText(output, ScheduleFile.Serialize(schedule));
        var latency = cancelledAt is { } at ? $" cancelLatency={(wall - at).ToString("0.000", Inv)}" : string.Empty;
        Console.WriteLine($"wall={wall.ToString("0.000", Inv)}{latency}");
        return 0;
    }
}

/// <summary>One problem of a fuzz or timing run.</summary>
internal sealed record FuzzRow(
    string Name, string ProblemJson, int Requests, string? ScheduleJson, string Status, long Priority, long Bound, long FirstFit,
    double WallSeconds, double? CancelLatencySeconds, int ExitCode, double LimitSeconds, double? CancelAfterSeconds, FuzzFindings Findings, IReadOnlyList<string> Notes)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string Header = "seed,index,requests,status,priority,bound,firstFit,wallSeconds,exitCode,invalid,falseReasons,falseOptimality,nonMaximal,belowFirstFit,overTime,undecided";

    /// <summary>Allowed wall time: the limit plus max(5 %, 0.5 s).</summary>
    public double AllowedSeconds => LimitSeconds + Math.Max(0.05 * LimitSeconds, 0.5);

    public bool OverTime => LimitSeconds > 0 && CancelAfterSeconds is null && WallSeconds > AllowedSeconds;

    public bool Failed => ExitCode != 0 || Status == "GeneratorInvalid" || Findings.Any;

    public IEnumerable<string> Summary()
    {
        if (ExitCode != 0 || Status == "GeneratorInvalid")
        {
            yield return Status;
        }

        foreach (var (count, what) in new[] { (Findings.Invalid, "invalid"), (Findings.FalseReasons, "false reason"), (Findings.FalseOptimality, "false optimality"), (Findings.NonMaximal, "non-maximal"), (Findings.BelowFirstFit, "below first fit") })
        {
            if (count > 0)
            {
                yield return what;
            }
        }
    }

    public string ToCsv(int seed, int index) => string.Create(Inv,
        $"{seed},{index},{Requests},{Status},{Priority},{Bound},{FirstFit},{WallSeconds:0.000},{ExitCode},{Findings.Invalid},{Findings.FalseReasons},{Findings.FalseOptimality},{Findings.NonMaximal},{Findings.BelowFirstFit},{(OverTime ? 1 : 0)},{Findings.Undecided}");
}
