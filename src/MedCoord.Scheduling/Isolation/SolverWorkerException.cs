using System.Globalization;

namespace MedCoord.Scheduling.Isolation;

/// <summary>How a solver worker process failed.</summary>
public enum SolverWorkerFailure
{
    /// <summary>The worker program could not be started.</summary>
    CouldNotStart,

    /// <summary>The program started but did not answer as a MedCoord solver worker: another program, or another protocol version.</summary>
    NotAWorker,

    /// <summary>
    /// The worker exited with a non-zero code or a signal, or without a schedule: for example a native CP-SAT abort
    /// (exit code 134, SIGABRT). The only failure that is retried, once, with conservative parameters.
    /// </summary>
    Died,

    /// <summary>The worker refused its input as bad input (exit code 2): the problem or previous schedule does not read back from the file format, or the worker's MedCoord version reads it differently.</summary>
    RefusedInput,

    /// <summary>Asked to stop (cancellation, or the time limit plus grace), the worker gave no schedule in time; its process tree was killed.</summary>
    DidNotStop,
}

/// <summary>
/// A solve or re-plan run in a worker process (<see cref="IsolatedScheduler"/>) gave no schedule. The message names the
/// failure, the exit code and signal and the attempt; never anything the worker wrote to its error output, which may
/// hold patient data (only its line count is kept).
/// </summary>
public sealed class SolverWorkerException : Exception
{
    internal SolverWorkerException(SolverWorkerFailure failure, int attempt, int? exitCode, int errorOutputLines, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Attempt = attempt;
        ExitCode = exitCode;
        ErrorOutputLines = errorOutputLines;
    }

    /// <summary>Gets how the last attempt failed.</summary>
    public SolverWorkerFailure Failure { get; }

    /// <summary>Gets the attempt that failed last: 1, or 2 for the retry with conservative parameters.</summary>
    public int Attempt { get; }

    /// <summary>Gets the last attempt's exit code, or <see langword="null"/> where the worker never ran.</summary>
    public int? ExitCode { get; }

    /// <summary>
    /// Gets the signal that ended the last attempt's worker as its name (for example <c>SIGABRT</c> for exit code 134),
    /// or <see langword="null"/> where the exit code does not stand for one (and always on Windows).
    /// </summary>
    public string? Signal => ExitCode is { } code ? SignalOf(code, OperatingSystem.IsWindows()) : null;

    /// <summary>Gets how many lines the workers wrote to their error output, counted, never copied.</summary>
    public int ErrorOutputLines { get; }

    /// <summary>Describes an exit code for a message: the code and, on Unix, the signal 128 + n stands for.</summary>
    internal static string DescribeExit(int code) => DescribeExit(code, OperatingSystem.IsWindows());

    /// <summary>Describes an exit code as on Windows (a negative code, an NTSTATUS, in hexadecimal) or as on Unix (with its signal).</summary>
    internal static string DescribeExit(int code, bool windows)
    {
        var text = windows && code < 0
            ? string.Create(CultureInfo.InvariantCulture, $"exit code 0x{code:X8}")
            : string.Create(CultureInfo.InvariantCulture, $"exit code {code}");
        return SignalOf(code, windows) switch
        {
            "SIGABRT" => $"{text} (signal SIGABRT: an abort, as a failed CP-SAT check ends)",
            { } signal => $"{text} (signal {signal})",
            null => text,
        };
    }

    /// <summary>The name of the signal a Unix exit code of 128 + n stands for; only signals numbered alike on Linux and macOS.</summary>
    private static string? SignalOf(int code, bool windows) => windows ? null : (code - 128) switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => null,
    };
}
