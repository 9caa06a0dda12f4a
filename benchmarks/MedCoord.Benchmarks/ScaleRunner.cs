using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Verification;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>
/// <c>scale jssp</c>: the job-shop quality table. <c>scale clinic</c>: clinic-scale instances against first fit.
/// Each prints a table and writes a CSV.
/// </summary>
public static class ScaleRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        var options = ScaleOptions.Parse(args.Skip(1));
        return args.FirstOrDefault() switch
        {
            "jssp" => JobShopTable(options),
            "clinic" => ClinicTable(options),
            "clinic-one" => ClinicOne(options),
            "recommend" => OperationsRunner.Recommend(options.Int),
            "replan" => OperationsRunner.Replan(options.Int),
            "features" => FeaturesRunner.Run(options.Int),
            "fuzz" => FuzzRunner.Fuzz(options),
            "solve-one" => FuzzRunner.SolveOne(options),
            "timing" => TimingRunner.Run(options),
            "concurrent" => ConcurrencyRunner.Run(options),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: scale jssp [--seconds 60] [--workers 2] [--only ft06,la01] [--csv jssp.csv]");
        Console.Error.WriteLine("       scale clinic [--sizes 500,2000,10000] [--seconds 30] [--workers 2] [--seed 1] [--csv clinic.csv]");
        Console.Error.WriteLine("       scale replan [--size 2000] [--solve-seconds 30] [--seconds 5] [--seed 1]");
        Console.Error.WriteLine("       scale recommend [--book 10000] [--providers 100] [--weeks 8] [--calls 1000] [--seconds 20] [--seed 1]");
        Console.Error.WriteLine("       scale features [--size 2000] [--seconds 30] [--workers 2] [--seed 1]");
        Console.Error.WriteLine("       scale fuzz [--count 200] [--seed 1] [--jobs 2] [--seconds 2] [--max-requests 600] [--csv fuzz.csv] [--failures fuzz-failures]");
        Console.Error.WriteLine("       scale fuzz --replay fuzz-failures/seed1-00042/problem.json [--seconds 2] [--workers 1]");
        Console.Error.WriteLine("       scale timing [--sizes 200,1000,2000] [--seconds 5] [--fuzz 20] [--fuzz-seconds 2] [--seed 1] [--csv timing.csv]");
        Console.Error.WriteLine("       scale concurrent [--size 300] [--at-once 16] [--rounds 3] [--seconds 10] [--seed 1]");
        return 2;
    }

    private static int JobShopTable(ScaleOptions o)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "jssp-data");
        using var optima = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "optima.json")));
        var only = o.Get("only")?.Split(',').ToHashSet();
        var seconds = o.Double("seconds", 60);
        var workers = o.Int("workers", 2);
        var rows = new List<string> { "instance,jobs,machines,optimum,booked,total,secondsToAllBooked,status,wallSeconds,violations" };
        Console.WriteLine($"{"instance",-8} {"size",7} {"optimum",7} {"booked",9} {"all booked at",13} {"status",-10} {"wall s",7}");
        var full = 0;
        var count = 0;
        foreach (var entry in optima.RootElement.EnumerateArray())
        {
            var name = entry.GetProperty("name").GetString()!;
            if (only is not null && !only.Contains(name))
            {
                continue;
            }

            var optimum = entry.GetProperty("optimum").GetInt32();
            var problem = JobShop.Load(Path.Combine(dir, entry.GetProperty("file").GetString()!), optimum);
            var total = problem.Requests.Count;
            double? allBookedAt = null;
            var progress = new Reporter(p =>
            {
                if (allBookedAt is null && p.ScheduledPriority == total)
                {
                    allBookedAt = p.Elapsed.TotalSeconds;
                }
            });
            var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(seconds), workers, 0), progress);
            var booked = schedule.Assignments.Count;
            if (booked == total)
            {
                full++;
                allBookedAt ??= schedule.Stats.WallSeconds;
            }

            count++;
            var violations = ScheduleVerifier.Violations(problem, schedule).Count;
            var size = $"{entry.GetProperty("jobs").GetInt32()}x{entry.GetProperty("machines").GetInt32()}";
            Console.WriteLine(string.Create(Inv,
                $"{name,-8} {size,7} {optimum,7} {booked,4}/{total,-4} {(allBookedAt is { } t ? t.ToString("0.00", Inv) : "-"),13} {schedule.Status,-10} {schedule.Stats.WallSeconds,7:0.00}{(violations > 0 ? $"  {violations} VIOLATIONS" : "")}"));
            rows.Add(string.Create(Inv,
                $"{name},{entry.GetProperty("jobs").GetInt32()},{entry.GetProperty("machines").GetInt32()},{optimum},{booked},{total},{(allBookedAt is { } s ? s.ToString("0.000", Inv) : "")},{schedule.Status},{schedule.Stats.WallSeconds:0.000},{violations}"));
        }

        File.WriteAllLines(o.Get("csv") ?? "jssp.csv", rows);
        Console.WriteLine($"{full} of {count} instances fully booked");
        return 0;
    }

    private static int ClinicTable(ScaleOptions o)
    {
        var sizes = (o.Get("sizes") ?? "500,2000,10000").Split(',').Select(s => int.Parse(s, Inv)).ToList();
        var seconds = o.Double("seconds", 30);
        var rows = new List<string> { ClinicResult.Header };
        Console.WriteLine(ClinicResult.TableHeader);
        foreach (var size in sizes)
        {
            // Each instance runs in its own process, so that its peak memory is its own.
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "scale", "clinic-one", "--size", size.ToString(Inv), "--seconds", o.Get("seconds") ?? SecondsFor(size, seconds), "--workers", o.Get("workers") ?? "2", "--seed", o.Get("seed") ?? "1" })
            {
                start.ArgumentList.Add(a);
            }

            // Started as "dotnet MedCoord.Benchmarks.dll": the child needs the assembly path too.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                start.ArgumentList.Insert(0, typeof(ScaleRunner).Assembly.Location);
            }

            using var child = Process.Start(start)!;
            var line = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
            child.WaitForExit();
            var result = ClinicResult.FromCsv(line);
            rows.Add(line);
            Console.WriteLine(result.TableRow());
        }

        File.WriteAllLines(o.Get("csv") ?? "clinic.csv", rows);
        return 0;
    }

    private static string SecondsFor(int size, double seconds) => (size >= 10_000 ? Math.Max(seconds, 120) : seconds).ToString(Inv);

    private static int ClinicOne(ScaleOptions o)
    {
        var size = o.Int("size", 500);
        var seed = o.Int("seed", 1);
        var clock = Stopwatch.StartNew();
        var problem = ClinicGenerator.Create(seed, size);
        var generateSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var firstFit = FirstFit.Schedule(problem);
        var firstFitSeconds = clock.Elapsed.TotalSeconds;
        var requests = problem.Requests.ToDictionary(r => r.Id);
        var firstFitPriority = firstFit.Sum(a => (long)requests[a.RequestId].Priority);
        var firstFitWaiting = firstFit.Sum(a => Waiting(problem, requests[a.RequestId], a));

        var reports = new List<SolveProgress>();
        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(o.Double("seconds", 30)), o.Int("workers", 2), 0), new Reporter(reports.Add));
        var bound = schedule.Objective.UpperBound;
        var firstAt = reports.Count > 0 ? reports[0].Elapsed.TotalSeconds : double.NaN;
        var withinOnePercent = reports.FirstOrDefault(r => r.ScheduledPriority >= 0.99 * bound)?.Elapsed.TotalSeconds ?? double.NaN;
        var violations = ScheduleVerifier.Violations(problem, schedule).Count;

        var result = new ClinicResult(size, problem.Facilities.Count, problem.Providers.Count, problem.Requests.Sum(r => (long)r.Priority), generateSeconds,
            firstAt, schedule.Objective.ScheduledPriority, bound, withinOnePercent, schedule.Objective.WaitingCost, schedule.Status.ToString(),
            schedule.Stats.WallSeconds, Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0), firstFitPriority, firstFitWaiting, firstFitSeconds, violations);
        Console.WriteLine(result.ToCsv());
        return 0;
    }

    /// <summary>Priority × days from the request's earliest date to the start's local date at its facility.</summary>
    private static long Waiting(Problem problem, AppointmentRequest request, Assignment a) =>
        (long)request.Priority * Period.Between(request.Earliest ?? problem.Horizon.Start, a.Start.Date, PeriodUnits.Days).Days;

    private sealed class Reporter(Action<SolveProgress> report) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => report(value);
    }
}

/// <summary>One clinic-scale measurement.</summary>
public sealed record ClinicResult(
    int Requests, int Facilities, int Providers, long AskedPriority, double GenerateSeconds,
    double FirstScheduleSeconds, long Priority, long Bound, double WithinOnePercentSeconds, long Waiting, string Status,
    double WallSeconds, double PeakMegabytes, long FirstFitPriority, long FirstFitWaiting, double FirstFitSeconds, int Violations)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string Header =
        "requests,facilities,providers,askedPriority,generateSeconds,firstScheduleSeconds,priority,bound,gapPercent,withinOnePercentSeconds,waiting,status,wallSeconds,peakMB,firstFitPriority,firstFitWaiting,firstFitSeconds,priorityRatio,violations";

    public static string TableHeader =>
        $"{"requests",8} {"fac",3} {"prov",5} {"asked",7} {"first s",7} {"priority",8} {"bound",7} {"gap %",6} {"≤1% at",7} {"waiting",8} {"status",-9} {"peak MB",8} {"FF prio",8} {"FF wait",8} {"ratio",6}";

    public double GapPercent => Bound == 0 ? 0 : 100.0 * (Bound - Priority) / Bound;

    public double Ratio => FirstFitPriority == 0 ? double.NaN : (double)Priority / FirstFitPriority;

    public string ToCsv() => string.Create(Inv,
        $"{Requests},{Facilities},{Providers},{AskedPriority},{GenerateSeconds:0.000},{FirstScheduleSeconds:0.000},{Priority},{Bound},{GapPercent:0.00},{WithinOnePercentSeconds:0.000},{Waiting},{Status},{WallSeconds:0.000},{PeakMegabytes:0},{FirstFitPriority},{FirstFitWaiting},{FirstFitSeconds:0.000},{Ratio:0.0000},{Violations}");

    public static ClinicResult FromCsv(string line)
    {
        var f = line.Split(',');
        double D(int i) => double.Parse(f[i], Inv);
        long L(int i) => long.Parse(f[i], Inv);
        return new ClinicResult((int)L(0), (int)L(1), (int)L(2), L(3), D(4), D(5), L(6), L(7), D(9), L(10), f[11], D(12), D(13), L(14), L(15), D(16), (int)L(18));
    }

    public string TableRow() => string.Create(Inv,
        $"{Requests,8} {Facilities,3} {Providers,5} {AskedPriority,7} {FirstScheduleSeconds,7:0.00} {Priority,8} {Bound,7} {GapPercent,6:0.00} {WithinOnePercentSeconds,7:0.0} {Waiting,8} {Status,-9} {PeakMegabytes,8:0} {FirstFitPriority,8} {FirstFitWaiting,8} {Ratio,6:0.000}{(Violations > 0 ? $"  {Violations} VIOLATIONS" : "")}");
}

/// <summary>The scale runner's <c>--name value</c> options.</summary>
internal sealed class ScaleOptions
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly Dictionary<string, string> _values = [];

    public static ScaleOptions Parse(IEnumerable<string> args)
    {
        var o = new ScaleOptions();
        var list = args.ToList();
        for (var i = 0; i + 1 < list.Count; i += 2)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected an option, found '{list[i]}'", nameof(args));
            }

            o._values[list[i][2..]] = list[i + 1];
        }

        return o;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, Inv) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, Inv) : fallback;
}
