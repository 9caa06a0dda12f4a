using System.CommandLine;
using System.Text;
using MedCoord.Scheduling.Isolation;

namespace MedCoord.Cli;

/// <summary>
/// <c>medcoord worker [--replan] [--conservative]</c>: the solver worker of the library's <see cref="IsolatedScheduler"/>.
/// It reads the problem file (and, with <c>--replan</c>, the previous schedule file) from stdin as one line of JSON
/// each, writes progress lines and then the schedule to stdout, and stops at the line <c>stop</c> or the end of stdin,
/// writing the best schedule so far. Hosts start it; people use <c>solve</c> and <c>replan</c>.
/// </summary>
internal static class WorkerCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "worker";

    /// <summary>
    /// For tests only: a number of milliseconds after its first progress report (that is, mid-solve) at which the worker
    /// aborts (<see cref="Environment.FailFast(string)"/>: SIGABRT, exit code 134 on Unix), as a failed CP-SAT check ends
    /// a process; hosts set it through
    /// <c>IsolationOptions.WorkerEnvironment</c> to see their handling of a dying worker.
    /// </summary>
    public const string AbortAfterVariable = "MEDCOORD_WORKER_ABORT_AFTER_MS";

    /// <param name="args">The arguments after <c>worker</c>.</param>
    /// <param name="stderr">Where command-line and input errors go.</param>
    /// <returns>The exit code: 0 with a schedule written, 2 for bad input, 1 for anything else.</returns>
    public static int Run(string[] args, TextWriter stderr)
    {
        var replan = new Option<bool>("--replan") { Description = "Re-plan around a previous schedule, read as the second line of stdin." };
        var conservative = new Option<bool>("--conservative") { Description = "Run every CP-SAT call with conservative parameters (presolve off)." };
        var command = new RootCommand("The solver worker of an isolated scheduler: problem on stdin, progress and schedule on stdout.") { replan, conservative };
        var parse = command.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"command line: {error.Message}");
            }

            return SolverCommandLine.BadInput;
        }

        int? abortAfter = null;
        if (Environment.GetEnvironmentVariable(AbortAfterVariable) is { Length: > 0 } text)
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds))
            {
                stderr.WriteLine($"{AbortAfterVariable}: must be a whole number of milliseconds, found '{text}'");
                return SolverCommandLine.BadInput;
            }

            abortAfter = milliseconds;
        }

        // UTF-8 both ways whatever the console's code page; the host reads and writes UTF-8, and a byte of the input that
        // is not UTF-8 is bad input at its offset.
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var stdin = Console.OpenStandardInput();
        TextWriter stdout = new StreamWriter(Console.OpenStandardOutput(), utf8);
        if (abortAfter is { } delay)
        {
            stdout = new AbortingWriter(stdout, delay);
        }

        return SolverWorker.Run(stdin, stdout, stderr, parse.GetValue(replan), parse.GetValue(conservative));
    }

    /// <summary>For tests only: passes lines on, and aborts the process a set time after the first progress line, that is mid-solve.</summary>
    private sealed class AbortingWriter(TextWriter inner, int milliseconds) : TextWriter
    {
        private int _armed;

        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            if (value is not null && value.StartsWith("progress ", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 1) == 0)
            {
                new Thread(() =>
                {
                    Thread.Sleep(milliseconds);
                    Environment.FailFast($"{AbortAfterVariable}={milliseconds}: the worker aborts on purpose.");
                }) { IsBackground = true, Name = "medcoord worker test abort" }.Start();
            }
        }

        public override void Flush() => inner.Flush();
    }
}
