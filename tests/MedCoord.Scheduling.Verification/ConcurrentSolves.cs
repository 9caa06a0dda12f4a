using System.Diagnostics;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Solving;

namespace MedCoord.Scheduling.Verification;

/// <summary>One solve of a concurrent round.</summary>
/// <param name="Round">The round, from 0.</param>
/// <param name="Index">The problem's place in the round.</param>
/// <param name="Status">What the solve returned.</param>
/// <param name="Priority">Priority booked.</param>
/// <param name="Progress">Progress reports received (each from a CP-SAT solution callback).</param>
/// <param name="Cancelled">Whether the solve was cancelled part-way.</param>
/// <param name="Violations">The verifier's findings; empty when every hard rule holds.</param>
public sealed record ConcurrentSolve(int Round, int Index, ScheduleStatus Status, long Priority, int Progress, bool Cancelled, IReadOnlyList<string> Violations);

/// <summary>
/// Many solves at once in one process, as a host serving several clinics would run them, arranged to provoke what
/// OR-Tools users reported as heap corruption under parallel .NET solves (google/or-tools #1958: separate models solved
/// on separate threads in a loop crashed the process until the solves were serialised; forcing the GC to stay away made
/// the crash rarer): every round builds its models on separate threads at the same moment, each solve reports progress
/// from CP-SAT's solution callbacks, every third solve is cancelled part-way, and a further thread forces full garbage
/// collections with finalisers while the solves run. Every schedule is checked by <see cref="ScheduleVerifier"/>.
/// </summary>
public static class ConcurrentSolves
{
    /// <param name="problems">The problems of one round (all run at once), by round.</param>
    /// <param name="rounds">Rounds, one after the other.</param>
    /// <param name="options">Options of every solve.</param>
    public static IReadOnlyList<ConcurrentSolve> Run(Func<int, IReadOnlyList<Problem>> problems, int rounds, SolveOptions options)
    {
        var results = new List<ConcurrentSolve>();
        for (var round = 0; round < rounds; round++)
        {
            var batch = problems(round);
            using var stop = new CancellationTokenSource();
            var collector = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                    GC.WaitForPendingFinalizers();
                    Thread.Sleep(5);
                }
            });

            using var start = new Barrier(batch.Count);
            var r = round;
            var solves = batch.Select((problem, i) => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                var progress = 0;
                var limit = options.TimeLimit ?? NodaTime.Duration.FromSeconds(10);
                using var cancel = new CancellationTokenSource();
                var cancelled = i % 3 == 2;
                if (cancelled)
                {
                    cancel.CancelAfter(TimeSpan.FromMilliseconds(limit.TotalMilliseconds * (0.2 + (0.1 * (i % 5)))));
                }

                var clock = Stopwatch.StartNew();
                var schedule = new AppointmentScheduler().Solve(problem, options, new Counter(() => Interlocked.Increment(ref progress)), cancel.Token);
                return new ConcurrentSolve(r, i, schedule.Status, schedule.Objective.ScheduledPriority, progress, cancelled, ScheduleVerifier.Violations(problem, schedule));
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
            Task.WaitAll(solves);
            stop.Cancel();
            collector.Wait();
            results.AddRange(solves.Select(s => s.Result));
        }

        return results;
    }

    private sealed class Counter(Action onReport) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => onReport();
    }
}
