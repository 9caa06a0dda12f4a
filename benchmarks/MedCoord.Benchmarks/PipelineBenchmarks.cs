using BenchmarkDotNet.Attributes;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Time;
using MedCoord.Scheduling.Validation;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>Everything before and around the search, at clinic scale; ratios are against validation.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PipelineBenchmarks
{
    private Problem _problem = null!;
    private string _json = null!;

    [Params(2000, 10000)]
    public int Requests { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _problem = ClinicGenerator.Create(1, Requests);
        _json = ProblemFile.Serialize(_problem);
    }

    [Benchmark(Baseline = true)]
    public int Validate() => ProblemValidator.Validate(_problem).Count;

    [Benchmark]
    public int ReadJson() => ProblemFile.Parse(_json).Requests.Count;

    [Benchmark]
    public int WriteJson() => ProblemFile.Serialize(_problem).Length;

    /// <summary>
    /// What the solver builds before its search: calendar expansion and candidate analysis, then the whole CP-SAT model
    /// where the problem is solved whole, or the first-fit schedule the neighbourhood search starts from.
    /// </summary>
    [Benchmark]
    public int BuildModel()
    {
        var candidates = RequestCandidates.Build(new Calendar(_problem));
        return ScheduleModel.SizeOf(candidates) > SolveSettings.DefaultWholeModelLimit
            ? FirstFitHeuristic.Place(candidates).Placements.Count
            : new ScheduleModel(candidates).Requests.Count;
    }
}

/// <summary>A full solve of the shipped example, one worker, to optimality.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SmallSolveBenchmarks
{
    private Problem _problem = null!;

    [GlobalSetup]
    public void Setup() => _problem = ProblemFile.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "clinic-small.json")));

    [Benchmark(Baseline = true)]
    public long ValidateExample() => ProblemValidator.Validate(_problem).Count;

    [Benchmark]
    public long SolveExample()
    {
        var schedule = new AppointmentScheduler().Solve(_problem, new SolveOptions(Duration.FromSeconds(30), 1, 0));
        return schedule.Status == ScheduleStatus.Optimal ? schedule.Objective.ScheduledPriority : -1;
    }
}
