using System.Diagnostics;
using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Verification;
using NodaTime;

namespace MedCoord.Benchmarks;

/// <summary>
/// <c>scale features</c>: the clinic instance with the v1.1 rules switched on — lab rooms that seat three, an ECG cart
/// per facility that every ECG needs, courses of three follow-ups four days apart booked all or none, and the three soft
/// rules weighted — solved within a time limit, checked by the independent verifier and soft-rule checker.
/// </summary>
public static class FeaturesRunner
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(Func<string, int, int> option)
    {
        var size = option("size", 2000);
        var seed = option("seed", 1);
        var problem = WithFeatures(ClinicGenerator.Create(seed, size), seed, size / 50);
        var weights = problem.Options!.SoftRules!;

        var clock = Stopwatch.StartNew();
        var schedule = new AppointmentScheduler().Solve(problem, new SolveOptions(Duration.FromSeconds(option("seconds", 30)), option("workers", 2), 0, weights));
        var wall = clock.Elapsed.TotalSeconds;

        var violations = ScheduleVerifier.Violations(problem, schedule).Count;
        var checker = SoftRuleChecker.Costs(problem, schedule, weights);
        var booked = schedule.Assignments.Select(a => a.RequestId).ToHashSet();
        var wholeSeries = problem.Series.Count(x => x.RequestIds.All(booked.Contains));
        var reported = schedule.Objective.SoftRules!;
        Console.WriteLine("requests,series,seriesBooked,priority,bound,waiting,continuity,dailyCap,balance,checkerAgrees,status,wallSeconds,violations");
        Console.WriteLine(string.Create(Inv,
            $"{problem.Requests.Count},{problem.Series.Count},{wholeSeries},{schedule.Objective.ScheduledPriority},{schedule.Objective.UpperBound},{schedule.Objective.WaitingCost},{reported.Continuity},{reported.DailyCap},{reported.Balance},{checker == reported},{schedule.Status},{wall:0.00},{violations}"));
        return violations == 0 && checker == reported ? 0 : 1;
    }

    private static Problem WithFeatures(Problem problem, int seed, int courses)
    {
        var rng = new Random(seed);
        var rooms = problem.Rooms.Select(r => r.Features.Contains("lab") ? r with { Capacity = 3 } : r).ToList();
        var pools = problem.Facilities.Select(f => new EquipmentPool($"{f.Id}-ecg-cart", f.Id, "ecg-cart", 1)).ToList();
        var types = problem.AppointmentTypes.Select(t => t.Id == "ecg" ? t with { Equipment = ["ecg-cart"] } : t).ToList();
        var primary = problem.Providers.Where(p => p.Skills.Contains("primary-care")).Select(p => p.Id).ToList();
        var patients = problem.Patients.Select(p => rng.Next(10) < 3 ? p with { PreviousProviderId = primary[rng.Next(primary.Count)] } : p).ToList();

        var requests = problem.Requests.ToList();
        var series = new List<RequestSeries>();
        for (var c = 0; c < courses; c++)
        {
            var patient = new Patient($"course-{c}", null, null, []);
            patients.Add(patient);
            var ids = Enumerable.Range(0, 3).Select(k => $"course-{c}-{k}").ToList();
            requests.AddRange(ids.Select(id => new AppointmentRequest(id, patient.Id, "follow-up", problem.Horizon.Start, null, 1 + rng.Next(5))));
            series.Add(new RequestSeries($"course-{c}", ids, 4, 60));
        }

        return problem with
        {
            Rooms = rooms,
            Equipment = pools,
            AppointmentTypes = types,
            Patients = patients,
            Requests = requests,
            Series = series,
            Options = new SolveOptions(SoftRules: new SoftRuleWeights(Continuity: 2, DailyCap: 3, DefaultDailyCap: 14, Balance: 1)),
        };
    }
}
