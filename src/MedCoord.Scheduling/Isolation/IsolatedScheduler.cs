using System.ComponentModel;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Operations;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;
using MedCoord.Scheduling.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace MedCoord.Scheduling.Isolation;

/// <summary>
/// Solves and re-plans in a child worker process (<c>medcoord worker</c>, see <see cref="IsolationOptions"/>), so that
/// a native CP-SAT abort ends the worker, never the host. The problem goes to the worker's standard input; its progress
/// reaches the caller's <see cref="IProgress{T}"/>; its schedule comes back on its standard output. Cancellation and
/// the time limit ask the worker to stop and return its best schedule; a worker that does not answer within
/// <see cref="IsolationOptions.StopTimeout"/> is killed with its process tree. A worker that dies (a non-zero exit, a
/// signal, no schedule) is retried once with conservative parameters (<see cref="SolveOptions.Conservative"/>: presolve
/// off) and what is left of the time limit, at least a quarter of it; when that fails too, or on any other failure,
/// <see cref="SolverWorkerException"/> names the exit and the attempt. Validation and option checks run in the host, as
/// <see cref="AppointmentScheduler"/> does them. Thread safety: an instance holds only its options and may be shared;
/// each call starts its own worker.
/// </summary>
public sealed class IsolatedScheduler : IAppointmentScheduler
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>How long, after a worker's process ended, its last output lines may take to arrive.</summary>
    private static readonly TimeSpan OutputDrainTime = TimeSpan.FromSeconds(5);

    private readonly AppointmentScheduler _local;
    private readonly string _program;
    private readonly string[] _arguments;
    private readonly KeyValuePair<string, string?>[] _environment;
    private readonly TimeSpan _grace;
    private readonly TimeSpan _stopTimeout;
    private readonly ILogger _logger;

    /// <summary>Creates a scheduler that runs every solve and re-plan in a worker process.</summary>
    /// <param name="isolation">The worker command and its timeouts; checked here.</param>
    /// <param name="defaults">Defaults for settings neither the call nor the problem gives; <see langword="null"/> for the defaults of <see cref="SchedulingOptions"/>.</param>
    /// <param name="logger">Receives worker started, stopped, killed, exited, retried, failed and abandoned events (ids, exit codes and exception types only).</param>
    /// <exception cref="ArgumentException">The worker program is missing, not a file or not executable, or a timeout is out of range; the message says which.</exception>
    public IsolatedScheduler(IsolationOptions isolation, SchedulingOptions? defaults = null, ILogger<IsolatedScheduler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(isolation);
        var failures = IsolationOptionsValidator.Check(isolation, out var program);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(isolation));
        }

        _local = new AppointmentScheduler(defaults ?? new SchedulingOptions());
        _program = program!;
        _arguments = [.. isolation.WorkerArguments];
        _environment = [.. isolation.WorkerEnvironment];
        _grace = isolation.Grace;
        _stopTimeout = isolation.StopTimeout;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets, when set, a hook called as each worker starts; tests use it to kill a worker mid-solve.</summary>
    internal Action<WorkerLaunch>? Launched { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<ValidationError> Validate(Problem problem) => _local.Validate(problem);

    /// <inheritdoc />
    /// <exception cref="SolverWorkerException">No worker gave a schedule; the message names the exit and the attempt.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public Schedule Solve(Problem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Solve(ValidatedProblem.Create(problem), options, progress, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="SolverWorkerException">No worker gave a schedule; the message names the exit and the attempt.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public Schedule Solve(ValidatedProblem problem, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(problem, null, options, progress, cancellationToken).Schedule;

    /// <inheritdoc />
    /// <exception cref="SolverWorkerException">No worker gave a schedule; the message names the exit and the attempt.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public ReplanResult Replan(Problem problem, Schedule previous, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return Replan(ValidatedProblem.Create(problem), previous, options, progress, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="SolverWorkerException">No worker gave a schedule; the message names the exit and the attempt.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: a problem, or one validated already.")]
    public ReplanResult Replan(ValidatedProblem problem, Schedule previous, SolveOptions? options = null, IProgress<SolveProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var answer = Run(problem, previous, options, progress, cancellationToken);
        return new ReplanResult(answer.Schedule, answer.Changes!);
    }

    private WorkerAnswer Run(ValidatedProblem problem, Schedule? previous, SolveOptions? call, IProgress<SolveProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var settings = _local.Resolve(call, problem.Problem.Options);
        var job = new WorkerJob(problem.Problem, previous, settings);
        var clock = Stopwatch.StartNew();
        var first = Attempt(job, 1, settings.Conservative, settings.TimeLimit, progress, cancellationToken);
        if (first.Answer is { } answer)
        {
            return answer;
        }

        if (first.Failure != SolverWorkerFailure.Died || cancellationToken.IsCancellationRequested)
        {
            IsolationLog.WorkerFailed(_logger, first.Attempt, first.Failure, first.ExitCode);
            throw Failed(first, null);
        }

        var left = settings.TimeLimit - Duration.FromTimeSpan(clock.Elapsed);
        var retryLimit = Duration.Max(left, Duration.FromTicks(settings.TimeLimit.BclCompatibleTicks / 4));
        IsolationLog.WorkerRetried(_logger, first.Attempt, first.Failure, first.ExitCode, Math.Round(retryLimit.TotalSeconds, 3));
        var second = Attempt(job, 2, conservative: true, retryLimit, progress, cancellationToken);
        if (second.Answer is { } retried)
        {
            return retried;
        }

        IsolationLog.WorkerFailed(_logger, second.Attempt, second.Failure, second.ExitCode);
        throw Failed(second, first);
    }

    /// <summary>Runs one worker to the end: its schedule, or how it failed.</summary>
    private AttemptResult Attempt(WorkerJob job, int attempt, bool conservative, Duration limit, IProgress<SolveProgress>? progress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_program)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add("worker");
        if (job.Previous is not null)
        {
            start.ArgumentList.Add("--replan");
        }

        if (conservative)
        {
            start.ArgumentList.Add("--conservative");
        }

        var problemLine = job.ProblemLine(limit);
        var session = new WorkerSession();
        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => session.Accept(e.Data);
        process.ErrorDataReceived += (_, e) => session.AcceptError(e.Data);
        process.Exited += (_, _) => session.MarkExited();
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or IOException)
        {
            return new AttemptResult(attempt, null, null, SolverWorkerFailure.CouldNotStart, null, 0, ex.Message);
        }

        var pid = process.Id;
        var clock = Stopwatch.StartNew();
        var stopInput = new ManualResetEventSlim();
        bool killed;
        string? stopCause;
        try
        {
            IsolationLog.WorkerStarted(_logger, pid, attempt, conservative, job.Problem.Requests.Count, Math.Round(limit.TotalSeconds, 3));
            Launched?.Invoke(new WorkerLaunch(attempt, pid, conservative));
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var input = process.StandardInput;
            // A background thread of its own: a full pipe may block its writes, and it holds the input open for the whole solve.
            _ = Task.Factory.StartNew(() => Feed(input, problemLine, job.PreviousLine, stopInput), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            (killed, stopCause) = Supervise(process, session, job.Previous is not null, stopInput, pid, attempt, limit.ToTimeSpan() + _grace, progress, cancellationToken);
        }
        catch (Exception ex)
        {
            // A progress handler or a logger that threw: never leave a worker behind.
            Kill(process);
            IsolationLog.WorkerAbandoned(_logger, pid, attempt, ex.GetType().Name);
            throw;
        }
        finally
        {
            stopInput.Set();
        }

        session.WaitForOutputEnd(OutputDrainTime);
        process.WaitForExit(OutputDrainTime);
        session.Drain(progress);
        var exitCode = process.HasExited ? process.ExitCode : -1;
        var result = Classify(session, job, attempt, pid, exitCode, killed, stopCause);
        IsolationLog.WorkerExited(_logger, pid, exitCode, Math.Round(clock.Elapsed.TotalSeconds, 3), attempt,
            result.Answer is null ? result.Failure.ToString() : "schedule", session.ErrorLines);
        return result;
    }

    /// <summary>
    /// Waits for the worker, passing its progress on; at cancellation or at <paramref name="deadline"/> asks it to stop,
    /// and kills its process tree when it has not answered <see cref="IsolationOptions.StopTimeout"/> later (counted
    /// from when it has read its input), or has not exited that long after its answer. Returns whether it was killed
    /// and why it was asked to stop.
    /// </summary>
    private (bool Killed, string? StopCause) Supervise(Process process, WorkerSession session, bool replan, ManualResetEventSlim stopInput, int pid, int attempt,
        TimeSpan deadline, IProgress<SolveProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var registration = cancellationToken.Register(session.Wake);
        string? cause = null;
        TimeSpan? killAt = null;
        while (true)
        {
            session.ResetWake();
            session.Drain(progress);
            if (session.Exited)
            {
                return (false, cause);
            }

            var now = clock.Elapsed;
            if (cause is null && (cancellationToken.IsCancellationRequested || now >= deadline))
            {
                cause = cancellationToken.IsCancellationRequested ? "the solve was cancelled" : "the time limit and grace had passed";
                IsolationLog.WorkerStopRequested(_logger, pid, attempt, cause);
                stopInput.Set();
            }

            if (killAt is null && (session.HasAnswered(replan) || (cause is not null && (session.IsReady || now >= deadline))))
            {
                killAt = now + _stopTimeout;
            }

            if (killAt is { } at && now >= at)
            {
                var killed = Kill(process);
                if (killed)
                {
                    IsolationLog.WorkerKilled(_logger, pid, attempt, _stopTimeout.TotalSeconds);
                }

                return (killed, cause);
            }

            // Above zero: a passed deadline has set killAt, and a passed killAt has returned.
            session.WaitForWake((killAt ?? deadline) - now);
        }
    }

    /// <summary>Writes the input lines, then holds the input open until the worker is to stop, and closes it: the stop request.</summary>
    private static void Feed(StreamWriter input, string problemLine, string? previousLine, ManualResetEventSlim stop)
    {
        try
        {
            input.WriteLine(problemLine);
            if (previousLine is not null)
            {
                input.WriteLine(previousLine);
            }

            // The process's input writer flushes every line.
            stop.Wait();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The worker is gone; how it ended is read from its exit.
        }
        finally
        {
            try
            {
                input.Close();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Already closed by the worker's end.
            }
        }
    }

    /// <summary>Kills the process tree; false when the process had already ended.</summary>
    private static bool Kill(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return false;
            }

            process.Kill(entireProcessTree: true);
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    private static AttemptResult Classify(WorkerSession session, WorkerJob job, int attempt, int pid, int exitCode, bool killed, string? stopCause)
    {
        AttemptResult Failure(SolverWorkerFailure failure, string? detail = null) => new(attempt, pid, null, failure, exitCode, session.ErrorLines, detail);
        var answered = session.HasAnswered(job.Previous is not null);
        if (killed && !answered)
        {
            // Killed without its answer: only after a stop request, so there is a cause.
            return Failure(SolverWorkerFailure.DidNotStop, stopCause);
        }

        if (!session.SaidHello)
        {
            return Failure(SolverWorkerFailure.NotAWorker);
        }

        // A worker killed after its whole answer (it hung on the way out) still gave a schedule.
        if ((exitCode == 0 || killed) && session.ScheduleLine is { } line && ScheduleFile.TryParse(line, out var schedule).Count == 0)
        {
            if (job.Previous is null)
            {
                return new AttemptResult(attempt, pid, new WorkerAnswer(schedule!, null), default, exitCode, session.ErrorLines, null);
            }

            if (session.ChangesLine is { } changes && WorkerProtocol.ParseChanges(changes, job.Previous, schedule!) is { } parsed)
            {
                return new AttemptResult(attempt, pid, new WorkerAnswer(schedule!, parsed), default, exitCode, session.ErrorLines, null);
            }
        }

        return Failure(exitCode == 2 ? SolverWorkerFailure.RefusedInput : SolverWorkerFailure.Died);
    }

    private SolverWorkerException Failed(AttemptResult last, AttemptResult? first)
    {
        var lines = last.ErrorLines + (first?.ErrorLines ?? 0);
        var message = first is null
            ? $"Solving in a worker process failed: attempt {last.Attempt} {Describe(last)}."
            : $"Solving in a worker process failed twice: attempt {first.Attempt} {Describe(first)}; attempt {last.Attempt}, with conservative parameters (presolve off), {Describe(last)}.";
        if (lines > 0)
        {
            message += string.Create(CultureInfo.InvariantCulture, $" The worker wrote {lines} lines to its error output; they are not copied here, as they may hold patient data.");
        }

        return new SolverWorkerException(last.Failure, last.Attempt, last.ExitCode, lines, message);
    }

    private string Describe(AttemptResult r)
    {
        var process = r.ProcessId is { } pid ? string.Create(CultureInfo.InvariantCulture, $"(process {pid}) ") : string.Empty;
        // Every failure but CouldNotStart has an exit code.
        string Exit() => SolverWorkerException.DescribeExit(r.ExitCode.GetValueOrDefault());
        return process + r.Failure switch
        {
            SolverWorkerFailure.CouldNotStart => $"could not start '{_program}': {r.Detail}",
            SolverWorkerFailure.NotAWorker => $"did not answer as a MedCoord solver worker ('{WorkerProtocol.Hello}') and ended with {Exit()}; check {nameof(IsolationOptions.WorkerPath)} '{_program}' and {nameof(IsolationOptions.WorkerArguments)}",
            SolverWorkerFailure.RefusedInput => "refused its input as bad input (exit code 2): the problem or the previous schedule does not read back from the file format, or the worker's MedCoord version reads the format differently from this library's",
            SolverWorkerFailure.DidNotStop => string.Create(CultureInfo.InvariantCulture,
                $"gave no schedule within {_stopTimeout.TotalSeconds} s of being asked to stop ({r.Detail}) and its process tree was killed"),
            _ => r.ExitCode == 0 ? "exited with code 0 without a schedule" : $"died with {Exit()} without a schedule",
        };
    }

    /// <summary>One solve or re-plan to run in a worker: the problem, written with the resolved options for each attempt.</summary>
    private sealed class WorkerJob(Problem problem, Schedule? previous, SolveSettings settings)
    {
        public Problem Problem { get; } = problem;

        public Schedule? Previous { get; } = previous;

        public string? PreviousLine { get; } = previous is null ? null : WorkerProtocol.Compact(ScheduleFile.Serialize(previous));

        /// <summary>The problem file on one line, its options the resolved settings with <paramref name="limit"/> (at least 1 ms, the file's resolution).</summary>
        public string ProblemLine(Duration limit)
        {
            var options = new SolveOptions(Duration.Max(limit, Duration.FromMilliseconds(1)), settings.Workers, settings.Seed, settings.SoftRules);
            return WorkerProtocol.Compact(ProblemWriter.Write(Problem with { Options = options }));
        }
    }

    private sealed record WorkerAnswer(Schedule Schedule, IReadOnlyList<AppointmentChange>? Changes);

    private sealed record AttemptResult(int Attempt, int? ProcessId, WorkerAnswer? Answer, SolverWorkerFailure Failure, int? ExitCode, int ErrorLines, string? Detail);

    /// <summary>What a worker said: its lines are parsed as they arrive, on the process's reading threads.</summary>
    private sealed class WorkerSession
    {
        private readonly Lock _gate = new();
        private readonly Queue<SolveProgress> _progress = new();
        private readonly ManualResetEventSlim _wake = new();
        private readonly ManualResetEventSlim _outputEnded = new();
        private bool _firstLineSeen;
        private bool _saidHello;
        private bool _ready;
        private bool _exited;
        private int _closedStreams;
        private int _errorLines;
        private string? _scheduleLine;
        private string? _changesLine;

        public bool SaidHello { get { lock (_gate) { return _saidHello; } } }

        public bool IsReady { get { lock (_gate) { return _ready; } } }

        public bool Exited { get { lock (_gate) { return _exited; } } }

        public int ErrorLines { get { lock (_gate) { return _errorLines; } } }

        public string? ScheduleLine { get { lock (_gate) { return _scheduleLine; } } }

        public string? ChangesLine { get { lock (_gate) { return _changesLine; } } }

        /// <summary>Whether the whole answer is in: the schedule and, to re-plan, the changes.</summary>
        public bool HasAnswered(bool replan)
        {
            lock (_gate)
            {
                return _scheduleLine is not null && (!replan || _changesLine is not null);
            }
        }

        public void Accept(string? line)
        {
            if (line is null)
            {
                StreamClosed();
                return;
            }

            lock (_gate)
            {
                if (!_firstLineSeen)
                {
                    _firstLineSeen = true;
                    _saidHello = line == WorkerProtocol.Hello;
                }
                else if (_saidHello)
                {
                    // After a first line that is not the hello, nothing the program says is read.
                    Take(line);
                }
            }

            _wake.Set();
        }

        /// <summary>Counts error output lines; their text is never kept.</summary>
        public void AcceptError(string? line)
        {
            if (line is null)
            {
                StreamClosed();
                return;
            }

            lock (_gate)
            {
                _errorLines++;
            }
        }

        public void MarkExited()
        {
            lock (_gate)
            {
                _exited = true;
            }

            _wake.Set();
        }

        public void Wake() => _wake.Set();

        public void ResetWake() => _wake.Reset();

        /// <summary>Waits for a line, the exit or the cancellation; the timeout (at most a time limit and grace, or a stop timeout) is far below the 24 days a wait can take.</summary>
        public void WaitForWake(TimeSpan timeout) => _wake.Wait(timeout);

        public void WaitForOutputEnd(TimeSpan timeout) => _outputEnded.Wait(timeout);

        /// <summary>Passes the reports received so far on, on the caller's thread.</summary>
        public void Drain(IProgress<SolveProgress>? progress)
        {
            while (true)
            {
                SolveProgress report;
                lock (_gate)
                {
                    if (!_progress.TryDequeue(out report!))
                    {
                        return;
                    }
                }

                progress?.Report(report);
            }
        }

        /// <summary>Keeps one message of a worker that said hello, under the gate: of several schedule or changes lines the first counts; a line of no known kind is ignored.</summary>
        private void Take(string line)
        {
            var (kind, payload) = WorkerProtocol.Split(line);
            switch (kind)
            {
                case WorkerProtocol.Ready:
                    _ready = true;
                    break;
                case WorkerProtocol.Progress when WorkerProtocol.ParseProgress(payload) is { } report:
                    _progress.Enqueue(report);
                    break;
                case WorkerProtocol.Schedule:
                    _scheduleLine ??= payload;
                    break;
                case WorkerProtocol.Changes:
                    _changesLine ??= payload;
                    break;
            }
        }

        private void StreamClosed()
        {
            if (Interlocked.Increment(ref _closedStreams) == 2)
            {
                _outputEnded.Set();
            }
        }
    }
}

/// <summary>A worker process as it starts: the attempt (1, or 2 for the conservative retry), its process id and mode.</summary>
internal readonly record struct WorkerLaunch(int Attempt, int ProcessId, bool Conservative);
