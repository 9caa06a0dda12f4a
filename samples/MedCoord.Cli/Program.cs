using System.Globalization;
using MedCoord.Cli;

// Amounts, times and numbers print the same on every machine, whatever its locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args is [WorkerCommand.Name, .. var workerArgs])
{
    return WorkerCommand.Run(workerArgs, Console.Error);
}

return await SolverCommandLine.RunAsync(args, Console.Out, Console.Error);
