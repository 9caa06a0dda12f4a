using MedCoord.Cli;

if (args is [WorkerCommand.Name, .. var workerArgs])
{
    return WorkerCommand.Run(workerArgs, Console.Error);
}

return await SolverCommandLine.RunAsync(args, Console.Out, Console.Error);
