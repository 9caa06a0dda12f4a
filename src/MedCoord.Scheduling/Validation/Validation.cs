namespace MedCoord.Scheduling.Validation;

/// <summary>One problem with the input: where it is (a JSON path such as <c>requests[3].type</c>) and what is wrong.</summary>
/// <param name="Path">JSON path of the offending value.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ValidationError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown when a problem is bad input; carries every error found, not just the first.</summary>
public sealed class ProblemValidationException : Exception
{
    /// <summary>Creates the exception from the errors found.</summary>
    /// <param name="errors">At least one error.</param>
    public ProblemValidationException(IReadOnlyList<ValidationError> errors)
        : this(errors, "problem")
    {
    }

    /// <summary>Creates the exception from the errors found in one input.</summary>
    /// <param name="errors">At least one error.</param>
    /// <param name="input">What was read, for the message: "problem", "book", …</param>
    public ProblemValidationException(IReadOnlyList<ValidationError> errors, string input)
        : base(BuildMessage(errors, input))
    {
        Errors = errors;
    }

    /// <summary>Gets every error found.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<ValidationError> errors, string input)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? $"The {input} is invalid: {errors[0]}"
            : $"The {input} is invalid ({errors.Count} errors):{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
    }
}
