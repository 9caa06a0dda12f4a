using System.Diagnostics.CodeAnalysis;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using MedCoord.Scheduling.Solving;

namespace MedCoord.Scheduling.Isolation;

/// <summary>
/// The worker side of <see cref="IsolatedScheduler"/>: reads a problem file (and, to re-plan, the previous schedule
/// file) from its input, one line of JSON each, solves it with <see cref="AppointmentScheduler"/>, and writes progress
/// and the schedule to its output. The line <c>stop</c> or the end of its input stops the search, and the best
/// schedule so far is written. <c>medcoord worker</c> runs it; a host that ships its own worker program calls
/// <see cref="Run(Stream, TextWriter, TextWriter, bool, bool)"/> from its entry point with the process's standard streams.
/// </summary>
public static class SolverWorker
{
    /// <summary>
    /// Runs one solve or re-plan from a stream of UTF-8 lines, read strictly: a line with a byte that is not UTF-8 is
    /// bad input at that byte's offset (the problem and previous schedule), or ignored (a later line that is not
    /// <c>stop</c>). This is how <c>medcoord worker</c> reads its standard input.
    /// </summary>
    /// <param name="input">The host's lines, as UTF-8 bytes (see <see cref="Run(TextReader, TextWriter, TextWriter, bool, bool)"/>); not disposed.</param>
    /// <param name="output">The worker's lines to the host (progress, schedule); flushed line by line.</param>
    /// <param name="error">Where bad input is reported, one line per error naming its JSON path or byte offset.</param>
    /// <param name="replan">Whether to re-plan around a previous schedule (a second input line) instead of solving.</param>
    /// <param name="conservative">Whether every CP-SAT call runs with conservative parameters (<see cref="SolveOptions.Conservative"/>).</param>
    /// <returns>The exit code: 0 with a schedule written, 2 for bad input, 1 for anything else.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: bytes, or text decoded already.")]
    public static int Run(Stream input, TextWriter output, TextWriter error, bool replan = false, bool conservative = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Run(new Utf8LineReader(input), output, error, replan, conservative);
    }

    /// <summary>
    /// Runs one solve or re-plan from lines decoded already: the reader's decoding decides what a bad byte becomes. A
    /// reader may refuse a line with <see cref="InvalidDataException"/> once it has read past it, as the stream overload's does.
    /// </summary>
    /// <param name="input">The host's lines: the problem, the previous schedule when re-planning, then <c>stop</c> or the end of input.</param>
    /// <param name="output">The worker's lines to the host (progress, schedule); flushed line by line.</param>
    /// <param name="error">Where bad input is reported, one line per error naming its JSON path.</param>
    /// <param name="replan">Whether to re-plan around a previous schedule (a second input line) instead of solving.</param>
    /// <param name="conservative">Whether every CP-SAT call runs with conservative parameters (<see cref="SolveOptions.Conservative"/>).</param>
    /// <returns>The exit code: 0 with a schedule written, 2 for bad input, 1 for anything else.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter: bytes, or text decoded already.")]
    public static int Run(TextReader input, TextWriter output, TextWriter error, bool replan = false, bool conservative = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var gate = new Lock();
        void Send(string line)
        {
            lock (gate)
            {
                output.WriteLine(line);
                output.Flush();
            }
        }

        try
        {
            Send(WorkerProtocol.Hello);
            if (Read(input, error, "problem", json => (ProblemFile.TryParse(json, out var problem), problem)) is not { } problem)
            {
                return 2;
            }

            Schedule? previous = null;
            if (replan && (previous = Read(input, error, "previous schedule", json => (ScheduleFile.TryParse(json, out var schedule), schedule))) is null)
            {
                return 2;
            }

            Send(WorkerProtocol.Ready);
            var stop = new CancellationTokenSource();

            // A background thread of its own: it waits on the input for the whole solve.
            _ = Task.Factory.StartNew(() => WatchForStop(input, stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var progress = new LineProgress(p => Send(WorkerProtocol.FormatProgress(p)));
            var options = conservative ? new SolveOptions { Conservative = true } : null;
            var scheduler = new AppointmentScheduler();
            if (previous is null)
            {
                var schedule = scheduler.Solve(problem, options, progress, stop.Token);
                Send($"{WorkerProtocol.Schedule} {WorkerProtocol.Compact(ScheduleFile.Serialize(schedule))}");
            }
            else
            {
                var result = scheduler.Replan(problem, previous, options, progress, stop.Token);
                Send($"{WorkerProtocol.Schedule} {WorkerProtocol.Compact(ScheduleFile.Serialize(result.Schedule))}");
                Send($"{WorkerProtocol.Changes} {WorkerProtocol.FormatChanges(result.Changes, previous, result.Schedule)}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error.WriteLine($"error: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Reads one input line and parses it; on errors writes each (its JSON path and message) and returns null.</summary>
    private static T? Read<T>(TextReader input, TextWriter error, string what, Func<string, (IReadOnlyList<Validation.ValidationError> Errors, T? Value)> parse)
        where T : class
    {
        string? line;
        try
        {
            line = input.ReadLine();
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"{what}: {new Validation.ValidationError("$", ex.Message)}");
            return null;
        }

        if (line is null)
        {
            error.WriteLine($"{what}: missing; the input ended first");
            return null;
        }

        var (errors, value) = parse(line);
        foreach (var e in errors)
        {
            error.WriteLine($"{what}: {e}");
        }

        return errors.Count == 0 ? value : null;
    }

    /// <summary>Cancels the search at the line <c>stop</c> or at the end of input (the host closed it, or died); a failing input stops it too.</summary>
    private static void WatchForStop(TextReader input, CancellationTokenSource stop)
    {
        try
        {
            while (!IsStop(input))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // A broken input is the host gone: stop as at its end.
        }
        finally
        {
            // Any other failure of the input, too: a worker that can no longer hear stop must not search on.
            stop.Cancel();
        }
    }

    /// <summary>Reads the next line: whether it is <c>stop</c> or the end of input; a line that is not UTF-8 is neither.</summary>
    private static bool IsStop(TextReader input)
    {
        try
        {
            return input.ReadLine() is not { } line || string.Equals(line.Trim(), WorkerProtocol.Stop, StringComparison.Ordinal);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Reports on the solver's thread, as soon as the solver reports.</summary>
    private sealed class LineProgress(Action<SolveProgress> report) : IProgress<SolveProgress>
    {
        public void Report(SolveProgress value) => report(value);
    }
}
