namespace MedCoord.Cli;

/// <summary>
/// While alive, Ctrl+C asks the long command to stop (it returns the best it has) instead of ending the process; a
/// second Ctrl+C after that still ends it.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CtrlC() => Console.CancelKeyPress += OnCancel;

    /// <summary>Gets the token cancelled by the first Ctrl+C.</summary>
    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (!_source.IsCancellationRequested)
        {
            e.Cancel = true;
            _source.Cancel();
        }
    }
}
