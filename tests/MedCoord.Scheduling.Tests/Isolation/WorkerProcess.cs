using System.Diagnostics;
using MedCoord.Scheduling.Isolation;
using Microsoft.Extensions.Logging;

namespace MedCoord.Scheduling.Tests.Isolation;

/// <summary>
/// The console solver's worker as the tests run it: <c>dotnet medcoord.dll worker</c>. The test project references
/// the console project, so <c>medcoord.dll</c> and its runtime files are built into the test output, in Debug and
/// Release alike.
/// </summary>
internal static class WorkerProcess
{
    public static string Dll
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "medcoord.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: the test project must reference samples/MedCoord.Cli");
            return dll;
        }
    }

    /// <summary>The dotnet host running the tests, else the one the SDK names, else dotnet on PATH.</summary>
    public static string Dotnet =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    public static IsolationOptions Options(TimeSpan? stopTimeout = null)
    {
        var options = new IsolationOptions { WorkerPath = Dotnet };
        options.WorkerArguments.Add(Dll);
        if (stopTimeout is { } timeout)
        {
            options.StopTimeout = timeout;
        }

        return options;
    }

    /// <summary>A shell script standing in for a worker (Unix only): <c>sh -c SCRIPT ARG0</c>, then the scheduler's own arguments.</summary>
    public static IsolationOptions Script(string script, string arg0 = "fake-worker")
    {
        var options = new IsolationOptions { WorkerPath = "/bin/sh" };
        options.WorkerArguments.Add("-c");
        options.WorkerArguments.Add(script);
        options.WorkerArguments.Add(arg0);
        return options;
    }

    /// <summary>Kills a worker from outside, as the system's out-of-memory killer would (SIGKILL, exit code 137 on Unix).</summary>
    public static void Kill(int processId)
    {
        using var process = Process.GetProcessById(processId);
        process.Kill();
    }

    /// <summary>The process id a script wrote to <paramref name="file"/> (<c>echo $! &gt; file</c>).</summary>
    public static int ReadProcessId(string file) => int.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Asserts that a process ends within 10 s; <paramref name="what"/> names it in the failure.</summary>
    public static void AssertGone(int processId, string what) =>
        Assert.True(SpinWait.SpinUntil(() => IsGone(processId), TimeSpan.FromSeconds(10)), $"{what} {processId} is still running");

    /// <summary>Whether a process is gone (or a zombie no one has reaped yet); Linux only, true elsewhere.</summary>
    public static bool IsGone(int processId)
    {
        var stat = $"/proc/{processId}/stat";
        if (!OperatingSystem.IsLinux() || !File.Exists(stat))
        {
            return true;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}

/// <summary>Keeps every log entry: event, level, message, and when it came (from the logger's creation).</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(EventId Event, LogLevel Level, string Message, TimeSpan At)> _entries = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public IReadOnlyList<(EventId Event, LogLevel Level, string Message, TimeSpan At)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IEnumerable<string> Events => Entries.Select(e => e.Event.Name ?? string.Empty);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((eventId, logLevel, formatter(state, exception), _clock.Elapsed));
        }
    }
}
