using Microsoft.Extensions.Logging;

namespace MedCoord.Scheduling.Isolation;

/// <summary>The isolated scheduler's log events: process ids, attempts, exit codes and counts, never patient data.</summary>
internal static partial class IsolationLog
{
    [LoggerMessage(EventId = 3101, EventName = "WorkerStarted", Level = LogLevel.Information,
        Message = "Solver worker {ProcessId} started (attempt {Attempt}, conservative {Conservative}, {Requests} requests, time limit {TimeLimitSeconds} s)")]
    public static partial void WorkerStarted(ILogger logger, int processId, int attempt, bool conservative, int requests, double timeLimitSeconds);

    [LoggerMessage(EventId = 3102, EventName = "WorkerStopRequested", Level = LogLevel.Information,
        Message = "Solver worker {ProcessId} asked to stop (attempt {Attempt}, {Cause})")]
    public static partial void WorkerStopRequested(ILogger logger, int processId, int attempt, string cause);

    [LoggerMessage(EventId = 3103, EventName = "WorkerKilled", Level = LogLevel.Warning,
        Message = "Solver worker {ProcessId} did not exit within {StopTimeoutSeconds} s of a stop request or of its answer; its process tree was killed (attempt {Attempt})")]
    public static partial void WorkerKilled(ILogger logger, int processId, int attempt, double stopTimeoutSeconds);

    [LoggerMessage(EventId = 3104, EventName = "WorkerExited", Level = LogLevel.Information,
        Message = "Solver worker {ProcessId} exited with code {ExitCode} after {Seconds} s (attempt {Attempt}, {Outcome}, {ErrorLines} lines of error output)")]
    public static partial void WorkerExited(ILogger logger, int processId, int exitCode, double seconds, int attempt, string outcome, int errorLines);

    [LoggerMessage(EventId = 3105, EventName = "WorkerRetried", Level = LogLevel.Warning,
        Message = "Solver worker failed on attempt {FailedAttempt} ({Failure}, exit code {ExitCode}); retrying once with conservative parameters and a {TimeLimitSeconds} s limit")]
    public static partial void WorkerRetried(ILogger logger, int failedAttempt, SolverWorkerFailure failure, int? exitCode, double timeLimitSeconds);

    [LoggerMessage(EventId = 3106, EventName = "WorkerFailed", Level = LogLevel.Error,
        Message = "Solving in a worker process failed on attempt {Attempt} ({Failure}, exit code {ExitCode})")]
    public static partial void WorkerFailed(ILogger logger, int attempt, SolverWorkerFailure failure, int? exitCode);

    [LoggerMessage(EventId = 3107, EventName = "WorkerAbandoned", Level = LogLevel.Warning,
        Message = "Solver worker {ProcessId} killed with its process tree: the call failed with {ExceptionType} (attempt {Attempt})")]
    public static partial void WorkerAbandoned(ILogger logger, int processId, int attempt, string exceptionType);
}
