using LogDapr.Contracts.Events;
using LogDapr.Processing.Expressions;

namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>Route conditions in the processing rules' own <c>when</c> language, so routes and transforms accept the same text.</summary>
public sealed class ExpressionConditionCompiler : IRouteConditionCompiler
{
    public (Func<LogEvent, bool>? Match, string? Error) Compile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Condition.TryParse(text, out var condition, out var error)
            ? (condition!.Evaluate, null)
            : (null, error!.ToString());
    }
}
