using System.Diagnostics;
using MedCoord.Scheduling.Isolation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using static MedCoord.Scheduling.Tests.TestProblems;

namespace MedCoord.Scheduling.Tests.Isolation;

public sealed class IsolatedSchedulerTests(ITestOutputHelper output)
{
    /// <summary>Big enough that the search runs on after its first report, so that a worker can be stopped or killed mid-solve.</summary>
    private static readonly Lazy<Problem> Busy = new(() => RandomProblems.Create(13, 300));

    private static SolveOptions Limit(double seconds) => new(Duration.FromMilliseconds(seconds * 1000), 2, 0);

    [Fact]
    public void Solve_ThroughTheWorker_ReturnsTheVerifiedScheduleTheLibraryFinds()
    {
        var problem = Example();
        var log = new RecordingLogger<IsolatedScheduler>();
        var reports = new List<SolveProgress>();
        var options = new SolveOptions(Duration.FromSeconds(5), 1, 3);

        var schedule = new IsolatedScheduler(WorkerProcess.Options(), logger: log).Solve(problem, options, new SynchronousProgress(reports.Add));

        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        var inProcess = new AppointmentScheduler().Solve(problem, options);
        Assert.Equal(inProcess.Status, schedule.Status);
        Assert.Equal(inProcess.Objective, schedule.Objective);
        Assert.Equal(inProcess.Assignments, schedule.Assignments);
        Assert.Equal(inProcess.Unscheduled, schedule.Unscheduled);
        Assert.Equal((1, 3), (schedule.Stats.Workers, schedule.Stats.Seed));
        Assert.NotEmpty(reports);
        Assert.Equal(schedule.Objective.ScheduledPriority, reports[^1].ScheduledPriority);
        Assert.Equal(["WorkerStarted", "WorkerExited"], log.Events);
        Assert.Contains("exited with code 0", log.Entries[1].Message);
    }

    [Fact]
    public void Replan_ThroughTheWorker_ReportsEveryMovedAndDroppedAppointment()
    {
        var problem = Example();
        var previous = SolveVerified(problem, Quick(5));
        var fixedProviders = problem.Fixed.Select(f => f.ProviderId).ToHashSet();
        var busiest = previous.Assignments.Where(a => a.ProviderId is not null && !fixedProviders.Contains(a.ProviderId))
            .GroupBy(a => a.ProviderId!).OrderByDescending(g => g.Count()).First().Key;
        var away = Block("2026-12-01T00:00:00Z", "2026-12-20T00:00:00Z");
        var changed = problem with { Providers = [.. problem.Providers.Select(p => p.Id == busiest ? p with { TimeOff = [away] } : p)] };

        var result = new IsolatedScheduler(WorkerProcess.Options()).Replan(changed, previous, Limit(5));

        Assert.Empty(ScheduleVerifier.Violations(changed, result.Schedule));
        var now = result.Schedule.Assignments.ToDictionary(a => a.RequestId);
        var expected = previous.Assignments
            .Where(a => !now.TryGetValue(a.RequestId, out var after) || after.ProviderId != a.ProviderId || after.RoomId != a.RoomId || after.Start.ToInstant() != a.Start.ToInstant())
            .Select(a => a.RequestId).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, result.Changes.Select(c => c.RequestId));
        foreach (var change in result.Changes)
        {
            Assert.Same(previous.Assignments.Single(a => a.RequestId == change.RequestId), change.Before);
            Assert.Equal(now.GetValueOrDefault(change.RequestId), change.After);
            Assert.Equal(change.After is null ? AppointmentChangeKind.Dropped : AppointmentChangeKind.Moved, change.Kind);
            Assert.False(string.IsNullOrWhiteSpace(change.Reason));
        }
    }

    [Fact]
    public void Solve_WorkerKilledMidSolve_RetriesConservativelyAndReturnsAVerifiedSchedule()
    {
        var problem = Busy.Value;
        var launches = new List<WorkerLaunch>();
        var log = new RecordingLogger<IsolatedScheduler>();
        var scheduler = new IsolatedScheduler(WorkerProcess.Options(), logger: log) { Launched = launches.Add };
        var killed = false;
        var progress = new SynchronousProgress(_ =>
        {
            if (!killed)
            {
                killed = true;
                WorkerProcess.Kill(launches[0].ProcessId);
            }
        });

        var schedule = scheduler.Solve(problem, Limit(4), progress);

        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        Assert.NotEqual(ScheduleStatus.NoSolutionFound, schedule.Status);
        Assert.Equal([(1, false), (2, true)], launches.Select(l => (l.Attempt, l.Conservative)));
        Assert.Equal(["WorkerStarted", "WorkerExited", "WorkerRetried", "WorkerStarted", "WorkerExited"], log.Events);
        Assert.EndsWith("(attempt 1, Died, 0 lines of error output)", log.Entries[1].Message);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Contains("exited with code 137", log.Entries[1].Message);
            Assert.StartsWith("Solver worker failed on attempt 1 (Died, exit code 137); retrying once with conservative parameters", log.Entries[2].Message);
        }
    }

    [Fact]
    public void Solve_WorkerAbortsOnEveryAttempt_ThrowsNamingTheExitAndBothAttempts()
    {
        var options = WorkerProcess.Options();
        options.WorkerEnvironment["MEDCOORD_WORKER_ABORT_AFTER_MS"] = "300";
        var launches = new List<WorkerLaunch>();
        var log = new RecordingLogger<IsolatedScheduler>();
        var reports = 0;

        var ex = Assert.Throws<SolverWorkerException>(() =>
            new IsolatedScheduler(options, logger: log) { Launched = launches.Add }.Solve(Busy.Value, Limit(30), new SynchronousProgress(_ => reports++)));

        Assert.Equal((SolverWorkerFailure.Died, 2), (ex.Failure, ex.Attempt));
        Assert.Equal([(1, false), (2, true)], launches.Select(l => (l.Attempt, l.Conservative)));
        Assert.True(reports > 0, "the workers died before they reported: not mid-solve");
        Assert.Equal(["WorkerStarted", "WorkerExited", "WorkerRetried", "WorkerStarted", "WorkerExited", "WorkerFailed"], log.Events);
        Assert.True(ex.ErrorOutputLines > 0);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal((134, "SIGABRT"), (ex.ExitCode, ex.Signal));
            Assert.Equal(
                $"Solving in a worker process failed twice: attempt 1 (process {launches[0].ProcessId}) died with exit code 134 (signal SIGABRT: an abort, as a failed CP-SAT check ends) without a schedule; " +
                $"attempt 2, with conservative parameters (presolve off), (process {launches[1].ProcessId}) died with exit code 134 (signal SIGABRT: an abort, as a failed CP-SAT check ends) without a schedule. " +
                $"The worker wrote {ex.ErrorOutputLines} lines to its error output; they are not copied here, as they may hold patient data.",
                ex.Message);
        }
    }

    [Fact]
    public void Solve_WorkerWritesPatientDataToStderrAndDies_NeitherCopiesItNorStopsBeforeTheRetry()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var options = WorkerProcess.Script("echo 'medcoord-worker 1'; echo 'patient Jane Doe, born 1961-04-02' >&2; kill -ABRT $$");
        var launches = new List<WorkerLaunch>();

        var ex = Assert.Throws<SolverWorkerException>(() => new IsolatedScheduler(options) { Launched = launches.Add }.Solve(Example(), Limit(2)));

        Assert.Equal((SolverWorkerFailure.Died, 2, 134, 2), (ex.Failure, ex.Attempt, ex.ExitCode, ex.ErrorOutputLines));
        Assert.Equal([false, true], launches.Select(l => l.Conservative));
        Assert.DoesNotContain("Jane", ex.Message);
        Assert.DoesNotContain("1961", ex.Message);
        Assert.EndsWith(" The worker wrote 2 lines to its error output; they are not copied here, as they may hold patient data.", ex.Message);
    }

    [Fact]
    public void Solve_CancelledMidSolve_ReturnsAVerifiedScheduleFromTheSameWorker()
    {
        var problem = Busy.Value;
        var launches = new List<WorkerLaunch>();
        var log = new RecordingLogger<IsolatedScheduler>();
        using var cancel = new CancellationTokenSource();
        var sinceCancel = new Stopwatch();
        var reports = 0;

        // The first report is the first-fit schedule; the second comes from CP-SAT's search.
        var progress = new SynchronousProgress(_ =>
        {
            if (++reports == 2)
            {
                sinceCancel.Start();
                cancel.Cancel();
            }
        });
        var scheduler = new IsolatedScheduler(WorkerProcess.Options(stopTimeout: TimeSpan.FromSeconds(10)), logger: log) { Launched = launches.Add };

        var schedule = scheduler.Solve(problem, Limit(30), progress, cancel.Token);

        output.WriteLine($"returned {sinceCancel.Elapsed.TotalSeconds:0.000} s after the cancellation");
        Assert.True(cancel.IsCancellationRequested);
        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.Empty(ScheduleVerifier.Violations(problem, schedule));
        Assert.Single(launches);
        Assert.Equal(["WorkerStarted", "WorkerStopRequested", "WorkerExited"], log.Events);
        Assert.True(sinceCancel.Elapsed < TimeSpan.FromSeconds(10), $"{sinceCancel.Elapsed}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Solve_WorkerIgnoresTheStopRequest_KillsItsProcessTreeWithoutRetrying(bool cancelled)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Answers, reads its problem, then hangs in a child process that holds stdout open and ignores the end of stdin.
        var childFile = Path.GetTempFileName();
        var options = WorkerProcess.Script("echo 'medcoord-worker 1'; read line; echo ready; sleep 120 & echo $! > \"$0\"; wait", childFile);
        options.StopTimeout = TimeSpan.FromMilliseconds(300);
        options.Grace = TimeSpan.Zero;
        var launches = new List<WorkerLaunch>();
        var log = new RecordingLogger<IsolatedScheduler>();
        using var cancel = new CancellationTokenSource();
        if (cancelled)
        {
            cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var ex = Assert.Throws<SolverWorkerException>(() =>
                new IsolatedScheduler(options, logger: log) { Launched = launches.Add }.Solve(Example(), Limit(cancelled ? 300 : 1), cancellationToken: cancel.Token));

            Assert.Equal((SolverWorkerFailure.DidNotStop, 1), (ex.Failure, ex.Attempt));
            Assert.Single(launches);
            Assert.Contains(cancelled ? "(the solve was cancelled)" : "(the time limit and grace had passed)", ex.Message);
            Assert.Contains("gave no schedule within 0.3 s of being asked to stop", ex.Message);
            Assert.Equal(["WorkerStarted", "WorkerStopRequested", "WorkerKilled", "WorkerExited", "WorkerFailed"], log.Events);
            Assert.Contains($"Solver worker {launches[0].ProcessId} exited with code 137 after ", log.Entries[3].Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{clock.Elapsed}");
            WorkerProcess.AssertGone(WorkerProcess.ReadProcessId(childFile), "the killed worker's child");
        }
        finally
        {
            File.Delete(childFile);
        }
    }

    [Fact]
    public void Solve_WorkerHangsAfterItsAnswer_IsKilledAndItsScheduleKept()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var options = WorkerProcess.Script($"echo 'medcoord-worker 1'; read line; echo ready; echo '{EmptyScheduleLine}'; sleep 120 & wait");
        options.StopTimeout = TimeSpan.FromMilliseconds(300);
        var log = new RecordingLogger<IsolatedScheduler>();
        var clock = Stopwatch.StartNew();

        var schedule = new IsolatedScheduler(options, logger: log).Solve(Example(), Limit(60));

        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.Empty(schedule.Assignments);
        Assert.Equal(["WorkerStarted", "WorkerKilled", "WorkerExited"], log.Events);
        Assert.Contains("(attempt 1, schedule, 0 lines of error output)", log.Entries[^1].Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{clock.Elapsed}");
    }

    [Fact]
    public void Solve_ProgramIsNotAWorker_ThrowsNamingTheWorkerPathWithoutRetrying()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var launches = new List<WorkerLaunch>();

        var ex = Assert.Throws<SolverWorkerException>(() => new IsolatedScheduler(WorkerProcess.Script($"echo hello; echo '{EmptyScheduleLine}'")) { Launched = launches.Add }.Solve(Example(), Limit(2)));

        Assert.Equal((SolverWorkerFailure.NotAWorker, 1, 0), (ex.Failure, ex.Attempt, ex.ExitCode));
        Assert.Single(launches);
        Assert.Equal(
            $"Solving in a worker process failed: attempt 1 (process {launches[0].ProcessId}) did not answer as a MedCoord solver worker ('medcoord-worker 1') and ended with exit code 0; check WorkerPath '/bin/sh' and WorkerArguments.",
            ex.Message);
    }

    [Fact]
    public void Solve_WorkerFileIsNoProgram_ThrowsCouldNotStartWithoutRetrying()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, [0, 1, 2, 3]);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var ex = Assert.Throws<SolverWorkerException>(() => new IsolatedScheduler(new IsolationOptions { WorkerPath = file }).Solve(Example(), Limit(2)));

            Assert.Equal((SolverWorkerFailure.CouldNotStart, 1, null), (ex.Failure, ex.Attempt, ex.ExitCode));
            Assert.StartsWith($"Solving in a worker process failed: attempt 1 could not start '{file}': ", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Replan_PreviousScheduleTheFormatCannotHold_ThrowsRefusedInputWithoutRetrying()
    {
        var problem = Example();
        var previous = SolveVerified(problem, Quick(3));
        var broken = previous with { Assignments = [previous.Assignments[0] with { RequestId = " " }, .. previous.Assignments.Skip(1)] };
        var launches = new List<WorkerLaunch>();

        var ex = Assert.Throws<SolverWorkerException>(() => new IsolatedScheduler(WorkerProcess.Options()) { Launched = launches.Add }.Replan(problem, broken, Limit(2)));

        Assert.Equal((SolverWorkerFailure.RefusedInput, 1, 2), (ex.Failure, ex.Attempt, ex.ExitCode));
        Assert.Single(launches);
        Assert.Contains($"(process {launches[0].ProcessId}) refused its input as bad input (exit code 2): the problem or the previous schedule does not read back", ex.Message);
    }

    [Fact]
    public void Solve_InvalidProblem_ThrowsTheValidationErrorsWithoutStartingAWorker()
    {
        var launches = new List<WorkerLaunch>();
        var problem = Example() with { Requests = [.. Example().Requests, Request("r-x", "nobody", "no-type")] };

        var ex = Assert.Throws<ProblemValidationException>(() => new IsolatedScheduler(WorkerProcess.Options()) { Launched = launches.Add }.Solve(problem));

        Assert.Contains(ex.Errors, e => e.Path.StartsWith("requests[", StringComparison.Ordinal));
        Assert.Empty(launches);
    }

    [Fact]
    public void Solve_NegativeWorkers_ThrowsAsTheInProcessSchedulerDoes()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new IsolatedScheduler(WorkerProcess.Options()).Solve(Example(), new SolveOptions(Workers: -1)));

        Assert.Equal(nameof(SolveOptions.Workers), ex.ParamName);
    }

    [Fact]
    public void Constructor_NoWorkerPath_ThrowsSayingWhatToGive()
    {
        var ex = Assert.Throws<ArgumentException>(() => new IsolatedScheduler(new IsolationOptions()));

        Assert.Equal("isolation", ex.ParamName);
        Assert.Equal("WorkerPath is required: the path of the medcoord executable, or of dotnet with the path of medcoord.dll as the first of WorkerArguments. (Parameter 'isolation')", ex.Message);
    }

    [Fact]
    public void Constructor_BadWorkerCommand_ThrowsNamingEachFault()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "medcoord");
        var options = new IsolationOptions { WorkerPath = missing, StopTimeout = TimeSpan.Zero, Grace = TimeSpan.FromSeconds(-1) };
        options.WorkerArguments.Add(missing + ".dll");

        var ex = Assert.Throws<ArgumentException>(() => new IsolatedScheduler(options));

        Assert.Equal(
            $"WorkerPath '{missing}' is not a file. WorkerArguments[0] '{missing}.dll' is not a file. Grace must be from zero to 1 hour, found -00:00:01. " +
            "StopTimeout must be above zero and at most 1 minute, found 00:00:00. (Parameter 'isolation')",
            ex.Message);
    }

    [Fact]
    public void Constructor_BareNameNotOnPath_ThrowsSayingSo()
    {
        var ex = Assert.Throws<ArgumentException>(() => new IsolatedScheduler(new IsolationOptions { WorkerPath = "medcoord-no-such-worker" }));

        Assert.StartsWith("WorkerPath 'medcoord-no-such-worker' was not found on PATH.", ex.Message);
    }

    [Fact]
    public void Constructor_WorkerNotExecutable_ThrowsSayingSo()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var file = Path.GetTempFileName();
        try
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var ex = Assert.Throws<ArgumentException>(() => new IsolatedScheduler(new IsolationOptions { WorkerPath = file }));

            Assert.StartsWith($"WorkerPath '{file}' is not executable.", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AddMedCoordIsolatedScheduling_AfterTheInProcessScheduler_ReplacesItOnce()
    {
        var services = new ServiceCollection();
        services.AddMedCoordScheduling(o => o.Seed = 5);
        services.AddMedCoordIsolatedScheduling(o =>
        {
            o.WorkerPath = WorkerProcess.Dotnet;
            o.WorkerArguments.Add(WorkerProcess.Dll);
        });
        services.AddMedCoordIsolatedScheduling(_ => { });
        using var provider = services.BuildServiceProvider();

        var scheduler = provider.GetRequiredService<IAppointmentScheduler>();
        var schedule = scheduler.Solve(Example(), new SolveOptions(Duration.FromSeconds(3), 1));

        Assert.IsType<IsolatedScheduler>(scheduler);
        Assert.Single(services, d => d.ServiceType == typeof(IAppointmentScheduler));
        Assert.Equal(5, schedule.Stats.Seed);
    }

    [Fact]
    public void AddMedCoordIsolatedScheduling_Alone_RegistersTheSchedulingDefaultsItIsGiven()
    {
        var services = new ServiceCollection();
        services.AddMedCoordIsolatedScheduling(
            o =>
            {
                o.WorkerPath = WorkerProcess.Dotnet;
                o.WorkerArguments.Add(WorkerProcess.Dll);
            },
            d => d.Seed = 7);
        using var provider = services.BuildServiceProvider();

        var schedule = provider.GetRequiredService<IAppointmentScheduler>().Solve(Example(), new SolveOptions(Duration.FromSeconds(3), 1));

        Assert.Equal(7, schedule.Stats.Seed);
    }

    [Fact]
    public void AddMedCoordIsolatedScheduling_WithoutItsArguments_ThrowsNamingThem()
    {
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => IsolationServiceCollectionExtensions.AddMedCoordIsolatedScheduling(null!, _ => { })).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddMedCoordIsolatedScheduling(null!)).ParamName);
    }

    [Fact]
    public void AddMedCoordIsolatedScheduling_MissingWorker_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddMedCoordIsolatedScheduling(o => o.WorkerPath = "/no/such/medcoord");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IAppointmentScheduler>());

        Assert.Equal(["WorkerPath '/no/such/medcoord' is not a file."], ex.Failures);
    }

    [Fact]
    public void Solve_AWorkerThatDiesAtOnce_IsRetriedWithTheConservativeArgument_AndTheTimeLeft()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var arguments = Path.Combine(Path.GetTempPath(), $"medcoord-worker-args-{Guid.NewGuid():N}");
        try
        {
            var options = WorkerProcess.Script($"echo \"$*\" >> '{arguments}'; echo 'medcoord-worker 1'; kill -ABRT $$");
            var log = new RecordingLogger<IsolatedScheduler>();

            Assert.Throws<SolverWorkerException>(() => new IsolatedScheduler(options, logger: log).Solve(Example(), Limit(8)));

            Assert.Equal(["worker", "worker --conservative"], File.ReadAllLines(arguments));
            Assert.Contains("(attempt 2, Died, 0 lines of error output)", log.Entries.Last(e => e.Event.Name == "WorkerExited").Message);
            var retried = Assert.Single(log.Entries, e => e.Event.Name == "WorkerRetried").Message;
            var seconds = double.Parse(System.Text.RegularExpressions.Regex.Match(retried, @"a ([0-9.]+) s limit").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(seconds, 4, 7.999); // what is left of 8 s: more than a quarter of it, less than all of it
        }
        finally
        {
            File.Delete(arguments);
        }
    }

    [Fact]
    public void Calls_WithoutTheirArguments_ThrowNamingThem()
    {
        Assert.Equal("isolation", Assert.Throws<ArgumentNullException>(() => new IsolatedScheduler(null!)).ParamName);
        var scheduler = new IsolatedScheduler(WorkerProcess.Script("exit 3"));
        Assert.Equal("problem", Assert.Throws<ArgumentNullException>(() => scheduler.Solve((ValidatedProblem)null!)).ParamName);
        Assert.Equal("previous", Assert.Throws<ArgumentNullException>(() => scheduler.Replan(ValidatedProblem.Create(Example()), null!)).ParamName);
    }

    [Fact]
    public void Solve_AWorkerThatEndsWellWithoutASchedule_IsNamedAsSuch()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var ex = Assert.Throws<SolverWorkerException>(() => new IsolatedScheduler(WorkerProcess.Script("echo 'medcoord-worker 1'; exit 0")).Solve(Example(), Limit(2)));

        Assert.Equal(0, ex.ExitCode);
        Assert.Contains(") exited with code 0 without a schedule", ex.Message);
    }

    [Fact]
    public void Replan_AWorkerThatGivesItsScheduleButNotItsChanges_HasNotAnswered_AndIsKilledAfterTheStopRequest()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var options = WorkerProcess.Script($"echo 'medcoord-worker 1'; read problem; read previous; echo ready; echo '{EmptyScheduleLine}'; sleep 120 & wait");
        options.StopTimeout = TimeSpan.FromMilliseconds(300);
        options.Grace = TimeSpan.Zero;
        var launches = new List<WorkerLaunch>();
        var log = new RecordingLogger<IsolatedScheduler>();

        var ex = Assert.Throws<SolverWorkerException>(() =>
            new IsolatedScheduler(options, logger: log) { Launched = launches.Add }.Replan(Example(), EmptySchedule(), Limit(1)));

        Assert.Equal((SolverWorkerFailure.DidNotStop, 1), (ex.Failure, ex.Attempt));
        Assert.Single(launches);
        Assert.Contains("(the time limit and grace had passed)", ex.Message);
        Assert.Equal(["WorkerStarted", "WorkerStopRequested", "WorkerKilled", "WorkerExited", "WorkerFailed"], log.Events);
    }

    [Fact]
    public void Replan_AWorkerThatAnswersTwice_IsTakenAtItsFirstAnswer()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var options = WorkerProcess.Script(
            $"echo 'medcoord-worker 1'; read problem; read previous; echo ready; echo '{EmptyScheduleLine}'; echo 'changes []'; echo 'schedule {{'; echo 'changes {{'; exit 0");
        var launches = new List<WorkerLaunch>();

        var result = new IsolatedScheduler(options) { Launched = launches.Add }.Replan(Example(), EmptySchedule(), Limit(2));

        Assert.Equal(ScheduleStatus.Feasible, result.Schedule.Status);
        Assert.Empty(result.Schedule.Assignments);
        Assert.Empty(result.Changes);
        Assert.Single(launches);
    }

    [Fact]
    public void Solve_AnAnswerWrittenAfterTheWorkerExited_IsReadWithItsProgress_UntilItsOutputEnds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // The error output ends first; the worker exits; a child of it still holds the output and answers later.
        var options = WorkerProcess.Script(
            $"exec 2>&-; echo 'medcoord-worker 1'; read problem; echo ready; (sleep 0.5; echo 'progress 10000 7 9 1'; echo '{EmptyScheduleLine}') & exit 0");
        var launches = new List<WorkerLaunch>();
        var reports = new List<SolveProgress>();

        var schedule = new IsolatedScheduler(options) { Launched = launches.Add }.Solve(Example(), Limit(2), new SynchronousProgress(reports.Add));

        Assert.Equal(ScheduleStatus.Feasible, schedule.Status);
        Assert.Equal([new SolveProgress(Duration.FromMilliseconds(1), 7, 9, 1)], reports);
        Assert.Single(launches);
    }

    [Fact]
    public void Solve_AProgressHandlerThatThrows_KillsTheWorkerTreeAndPassesTheExceptionOn()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var childFile = Path.GetTempFileName();
        try
        {
            var options = WorkerProcess.Script("echo 'medcoord-worker 1'; read problem; echo ready; sleep 120 & echo $! > \"$0\"; echo 'progress 10000 7 9 1'; wait", childFile);
            var launches = new List<WorkerLaunch>();
            var log = new RecordingLogger<IsolatedScheduler>();
            var thrown = new InvalidOperationException("the host's progress handler failed");

            var ex = Assert.Throws<InvalidOperationException>(() =>
                new IsolatedScheduler(options, logger: log) { Launched = launches.Add }.Solve(Example(), Limit(60), new SynchronousProgress(_ => throw thrown)));

            Assert.Same(thrown, ex);
            var worker = Assert.Single(launches).ProcessId;
            Assert.Equal(["WorkerStarted", "WorkerAbandoned"], log.Events);
            Assert.Equal($"Solver worker {worker} killed with its process tree: the call failed with InvalidOperationException (attempt 1)", log.Entries[1].Message);
            WorkerProcess.AssertGone(worker, "after the failed call, the worker");
            WorkerProcess.AssertGone(WorkerProcess.ReadProcessId(childFile), "after the failed call, the worker's child");
        }
        finally
        {
            File.Delete(childFile);
        }
    }

    [Fact]
    public void Solve_AWorkerThatNeverReadsItsProblem_IsKilledAStopTimeoutAfterTheDeadline()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var options = WorkerProcess.Script("echo 'medcoord-worker 1'; sleep 120 & wait");
        options.StopTimeout = TimeSpan.FromSeconds(3);
        options.Grace = TimeSpan.Zero;
        var log = new RecordingLogger<IsolatedScheduler>();

        var ex = Assert.Throws<SolverWorkerException>(() => new IsolatedScheduler(options, logger: log).Solve(Example(), Limit(2)));

        Assert.Equal((SolverWorkerFailure.DidNotStop, 1), (ex.Failure, ex.Attempt));
        Assert.Contains("(the time limit and grace had passed)", ex.Message);
        Assert.Equal(["WorkerStarted", "WorkerStopRequested", "WorkerKilled", "WorkerExited", "WorkerFailed"], log.Events);
        // Asked to stop at the limit (2 s after its start), killed a stop timeout (3 s) later, give or take the machine's
        // load; not two stop timeouts later, nor after waiting the time already waited once more (7 s).
        var at = log.Entries.Select(e => e.At).ToList();
        Assert.InRange(at[1] - at[0], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        Assert.InRange(at[2] - at[1], TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
    }

    private const string EmptyScheduleLine = """schedule {"formatVersion":1,"status":"Feasible","assignments":[]}""";

    private static Schedule EmptySchedule()
    {
        Assert.Empty(ScheduleFile.TryParse(EmptyScheduleLine["schedule ".Length..], out var schedule));
        return schedule!;
    }
}
