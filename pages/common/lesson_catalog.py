"""The lessons: one classroom scene per idea of the lecture notes, in English and Chinese.

Each scene is a set of Playground URL parameters, so "Open in the Playground" reproduces it
exactly; tests/test_lessons.py checks every "what to notice" sentence against the engine's
numbers for that very scene. No Streamlit here.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Scene:
    label: dict[str, str]  # {"en": ..., "zh": ...}
    query: dict[str, str]  # Playground URL parameters


@dataclasses.dataclass(frozen=True)
class Lesson:
    key: str
    title: dict[str, str]
    text: dict[str, str]
    rule: str  # LaTeX
    notice: dict[str, str]  # "what to notice": checked by a test
    scenes: tuple[Scene, ...]


VALLEY10 = {"s": "narrow_valley", "p.kappa": "10", "p.angle": "20"}
VALLEY100 = {"s": "narrow_valley", "p.kappa": "100"}

LESSONS: tuple[Lesson, ...] = (
    Lesson(
        key="step_size",
        title={"en": "1. Step size", "zh": "1. 步长"},
        text={
            "en": "Gradient descent moves against the gradient by a fixed fraction of it, the learning rate. "
            "Too small, and the point crawls towards the minimum; too large, and it jumps over the valley, "
            "oscillates and flies off. On a quadratic bowl the border is exact: with L the largest curvature, "
            "steps are stable only while lr < 2/L.",
            "zh": "梯度下降每一步沿负梯度方向走梯度的一个固定比例，这个比例就是学习率。学习率太小，点会慢慢爬向极小点；"
            "太大，它会越过山谷、来回震荡，最后飞出去。在二次碗状曲面上这个界限是精确的：设 L 是最大曲率，"
            "只有 lr < 2/L 时迭代才稳定。",
        },
        rule=r"\theta_{t} = \theta_{t-1} - \eta\, \nabla f(\theta_{t-1}), \qquad \text{stable} \iff \eta < 2/L",
        notice={
            "en": "Here L = 10, so 2/L = 0.2: lr = 0.01 is still far from the minimum after 200 steps, "
            "lr = 0.1 converges, lr = 0.224 diverges.",
            "zh": "这里 L = 10，所以 2/L = 0.2：lr = 0.01 走了 200 步仍离极小点很远，lr = 0.1 收敛，lr = 0.224 发散。",
        },
        scenes=(
            Scene(
                {"en": "too small", "zh": "太小"}, {**VALLEY10, "opt": "gd", "gd.lr": "0.01", "steps": "200"}
            ),
            Scene(
                {"en": "just right", "zh": "刚好"}, {**VALLEY10, "opt": "gd", "gd.lr": "0.1", "steps": "200"}
            ),
            Scene(
                {"en": "too large", "zh": "太大"}, {**VALLEY10, "opt": "gd", "gd.lr": "0.224", "steps": "200"}
            ),
        ),
    ),
    Lesson(
        key="momentum",
        title={"en": "2. Momentum in a narrow valley", "zh": "2. 狭窄山谷中的动量"},
        text={
            "en": "Think of a ball rolling downhill. Plain gradient descent forgets where it came from, so in a "
            "narrow valley it zig-zags between the steep walls while creeping along the flat floor. Momentum "
            "keeps a velocity: the zig-zags cancel out and the steady push along the floor adds up, up to "
            "1/(1 − μ) times a single step.",
            "zh": "想象一个从山坡上滚下来的球。普通梯度下降不记得自己从哪里来，所以在狭窄山谷里它在陡峭的两壁之间来回折返，"
            "沿着平坦的谷底却只能慢慢挪动。动量法保留一个速度：来回的折返相互抵消，沿谷底的持续推动不断累积，"
            "最多可达单步的 1/(1 − μ) 倍。",
        },
        rule=r"v_t = \mu v_{t-1} + \nabla f(\theta_{t-1}), \qquad \theta_t = \theta_{t-1} - \eta\, v_t",
        notice={
            "en": "Condition number 100, same lr = 1/L: momentum (μ = 0.9) gets the loss below 10⁻⁶ at least "
            "three times sooner than gradient descent. The bright trail behind each marker is its velocity.",
            "zh": "条件数为 100，学习率同为 1/L：动量法（μ = 0.9）把损失降到 10⁻⁶ 以下的速度至少是梯度下降的三倍。"
            "每个标记后面的亮色尾迹就是它的速度。",
        },
        scenes=(
            Scene(
                {"en": "GD vs momentum", "zh": "梯度下降对比动量"},
                {
                    **VALLEY100,
                    "opt": "gd,momentum",
                    "gd.lr": "0.01",
                    "momentum.lr": "0.01",
                    "momentum.momentum": "0.9",
                    "steps": "1500",
                },
            ),
        ),
    ),
    Lesson(
        key="nesterov",
        title={"en": "3. Nesterov versus heavy ball", "zh": "3. Nesterov 动量与重球法"},
        text={
            "en": "Heavy-ball momentum computes the gradient where it stands, then adds the velocity. Nesterov "
            "first looks ahead to where the velocity is taking it and uses the gradient there: it notices the "
            "far wall of the valley one step earlier and brakes before overshooting.",
            "zh": "重球法在当前位置计算梯度，再加上速度。Nesterov 先看一眼速度将把它带到哪里，用那里的梯度："
            "它提前一步察觉到山谷对面的墙壁，在冲过头之前就开始减速。",
        },
        rule=r"v_t = \mu v_{t-1} + \nabla f(\theta_{t-1} - \eta\mu v_{t-1}), \qquad \theta_t = \theta_{t-1} - \eta v_t",
        notice={
            "en": "With the same lr and μ = 0.9, Nesterov reaches a loss of 10⁻⁶ before heavy ball does.",
            "zh": "在相同的学习率和 μ = 0.9 下，Nesterov 比重球法更早把损失降到 10⁻⁶。",
        },
        scenes=(
            Scene(
                {"en": "heavy ball vs Nesterov", "zh": "重球法对比 Nesterov"},
                {
                    **VALLEY100,
                    "opt": "momentum,nesterov",
                    "momentum.lr": "0.01",
                    "nesterov.lr": "0.01",
                    "momentum.momentum": "0.9",
                    "nesterov.momentum": "0.9",
                    "steps": "300",
                },
            ),
        ),
    ),
    Lesson(
        key="adaptive",
        title={"en": "4. Adaptive learning rates", "zh": "4. 自适应学习率"},
        text={
            "en": "Give every coordinate its own learning rate: divide by the size of its recent gradients. "
            "AdaGrad divides by the root of the sum of all squared gradients, which only grows, so its steps "
            "shrink towards nothing. RMSProp uses a moving average instead and forgets old gradients. Adadelta "
            "also scales by the size of its past steps, so it needs no learning rate at all.",
            "zh": "给每个坐标各自的学习率：除以它最近梯度的大小。AdaGrad 除以所有历史梯度平方和的平方根，"
            "这个量只增不减，所以步长会缩小到几乎为零。RMSProp 改用滑动平均，会忘掉久远的梯度。"
            "Adadelta 还按过去步长的大小来缩放，因此根本不需要学习率。",
        },
        rule=r"G_t = G_{t-1} + g_t^2 \;\;\text{(AdaGrad)}, \qquad v_t = \rho v_{t-1} + (1-\rho) g_t^2 \;\;"
        r"\text{(RMSProp)}, \qquad \theta_t = \theta_{t-1} - \frac{\eta}{\sqrt{\cdot} + \epsilon}\, g_t",
        notice={
            "en": "With noisy gradients, AdaGrad's steps at the end are less than half as long as at the start, "
            "RMSProp's stay about the same, and Adadelta, with lr = 1, still goes down the valley.",
            "zh": "在有噪声的梯度下，AdaGrad 末尾的步长不到开始时的一半，RMSProp 的步长基本不变，"
            "而 lr = 1 的 Adadelta 同样能走下山谷。",
        },
        scenes=(
            Scene(
                {"en": "AdaGrad, RMSProp, Adadelta", "zh": "AdaGrad、RMSProp、Adadelta"},
                {
                    "s": "narrow_valley",
                    "p.kappa": "50",
                    "opt": "adagrad,rmsprop,adadelta",
                    "adagrad.lr": "0.5",
                    "rmsprop.lr": "0.0178",
                    "noise": "0.5",
                    "steps": "1000",
                    "starts": "ring",
                    "count": "8",
                    "spread": "0.02",
                },
            ),
        ),
    ),
    Lesson(
        key="adam",
        title={"en": "5. Adam and its relatives", "zh": "5. Adam 及其家族"},
        text={
            "en": "Adam is momentum and RMSProp together: a moving average of the gradients (first moment) "
            "divided by the root of a moving average of their squares (second moment). Both averages start at "
            "zero and are too small at first, so Adam divides them by 1 − βᵗ: bias correction. Without it the "
            "very first steps would be about three times too long. AMSGrad keeps the largest second moment, "
            "NAdam adds Nesterov's look-ahead, AdaMax uses the maximum norm, Adafactor scales steps to the "
            "size of the parameters.",
            "zh": "Adam 是动量和 RMSProp 的结合：梯度的滑动平均（一阶矩）除以梯度平方滑动平均（二阶矩）的平方根。"
            "两个平均都从零开始，起初偏小，所以 Adam 用 1 − βᵗ 去除它们，这就是偏差修正。没有它，最初几步会长约三倍。"
            "AMSGrad 保留最大的二阶矩，NAdam 加入 Nesterov 的前瞻，AdaMax 使用最大范数，Adafactor 按参数本身的大小缩放步长。",
        },
        rule=r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad "
        r"\theta_t = \theta_{t-1} - \eta \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}",
        notice={
            "en": "Thanks to bias correction, Adam's first step moves each coordinate by exactly lr, however "
            "large the gradient (here about 200).",
            "zh": "由于偏差修正，Adam 的第一步在每个坐标上恰好移动 lr，无论梯度有多大（这里约为 200）。",
        },
        scenes=(
            Scene(
                {"en": "the Adam family", "zh": "Adam 家族"},
                {
                    "s": "rosenbrock",
                    "opt": "adam,amsgrad,nadam,adamax,adafactor",
                    "adam.lr": "0.0501",
                    "amsgrad.lr": "0.0501",
                    "nadam.lr": "0.0501",
                    "adamax.lr": "0.0501",
                    "steps": "500",
                },
            ),
        ),
    ),
    Lesson(
        key="saddle",
        title={"en": "6. Saddle points", "zh": "6. 鞍点"},
        text={
            "en": "At a saddle the gradient is zero although the point is no minimum: downhill in one direction, "
            "uphill in another. Gradient descent started exactly on the ridge line never leaves it; a little "
            "noise, as in minibatch SGD, or some momentum carries it off. Newton's method jumps to where the "
            "gradient vanishes, saddle or not; in high dimensions saddles are everywhere, which is one reason "
            "plain second-order methods struggle in deep learning.",
            "zh": "在鞍点处梯度为零，但它不是极小点：一个方向下坡，另一个方向上坡。从脊线上精确出发的梯度下降永远离不开它；"
            "一点噪声（就像小批量 SGD）或一些动量就能把它带走。牛顿法会跳向梯度为零的地方，不管那是不是鞍点；"
            "高维空间里鞍点无处不在，这是朴素二阶方法在深度学习中表现不佳的原因之一。",
        },
        rule=r"\nabla f(0,0) = 0, \qquad H(0,0) = \begin{pmatrix} 2 & 0 \\ 0 & -1 \end{pmatrix}",
        notice={
            "en": "Started on the ridge, gradient descent converges to the saddle; with noise it escapes to a "
            "minimum. From just off the ridge, momentum escapes several times sooner than gradient descent, "
            "and Newton converges to the saddle.",
            "zh": "从脊线上出发，梯度下降收敛到鞍点；加上噪声，它逃到一个极小点。从脊线旁边一点出发，动量法比梯度下降早好几倍逃离，"
            "而牛顿法收敛到鞍点。",
        },
        scenes=(
            Scene(
                {"en": "on the ridge", "zh": "在脊线上"},
                {"s": "saddle", "opt": "gd", "gd.lr": "0.05", "x0": "-1.5", "y0": "0.0", "steps": "400"},
            ),
            Scene(
                {"en": "on the ridge, with noise", "zh": "在脊线上，加噪声"},
                {
                    "s": "saddle",
                    "opt": "gd",
                    "gd.lr": "0.05",
                    "x0": "-1.5",
                    "y0": "0.0",
                    "steps": "400",
                    "noise": "0.05",
                },
            ),
            Scene(
                {"en": "just off the ridge", "zh": "脊线旁边"},
                {
                    "s": "saddle",
                    "opt": "gd,momentum,newton",
                    "gd.lr": "0.05",
                    "momentum.lr": "0.05",
                    "x0": "-1.5",
                    "y0": "0.001",
                    "steps": "400",
                },
            ),
        ),
    ),
    Lesson(
        key="cliff",
        title={"en": "7. Cliffs and exploding gradients", "zh": "7. 悬崖与梯度爆炸"},
        text={
            "en": "Deep and recurrent networks multiply many factors together, which creates cliffs: walls where "
            "the gradient is enormous. A gradient step there is long enough to throw the parameters far away. "
            "The gradient tells the direction, not how far to go: clipping its norm keeps the direction and "
            "caps the step.",
            "zh": "深层网络和循环网络把许多因子连乘起来，会形成悬崖：梯度极大的陡壁。在那里走一步梯度下降就足以把参数抛得很远。"
            "梯度只告诉我们方向，并没有告诉我们该走多远：对梯度范数做截断，保留方向，限制步长。",
        },
        rule=r"g \leftarrow g \cdot \min\!\left(1, \frac{c}{\lVert g \rVert}\right)",
        notice={
            "en": "Without clipping, the very first step throws the point at least 0.5 away; with the norm "
            "clipped at 1, every step is at most lr = 0.01 long and the loss goes down the wall.",
            "zh": "不截断时，第一步就把点抛出至少 0.5 远；把范数截断在 1 时，每一步最多只有 lr = 0.01 长，损失沿崖壁下降。",
        },
        scenes=(
            Scene(
                {"en": "no clipping", "zh": "不截断"},
                {"s": "cliff", "opt": "gd", "gd.lr": "0.01", "steps": "200"},
            ),
            Scene(
                {"en": "clipped at norm 1", "zh": "按范数 1 截断"},
                {
                    "s": "cliff",
                    "opt": "gd",
                    "gd.lr": "0.01",
                    "steps": "200",
                    "clip": "norm",
                    "clip_at": "1.0",
                },
            ),
        ),
    ),
    Lesson(
        key="plateau",
        title={"en": "8. Plateaus and vanishing gradients", "zh": "8. 高原与梯度消失"},
        text={
            "en": "Far from anything interesting the loss can be almost flat: the gradient nearly vanishes and "
            "gradient descent hardly moves. Momentum keeps adding the tiny pushes up into real speed; adaptive "
            "methods divide by the small gradient's own size and so take full-size steps anyway.",
            "zh": "远离关键区域时，损失可能几乎是平的：梯度几乎消失，梯度下降几乎不动。动量法把微小的推动不断累加成真正的速度；"
            "自适应方法用梯度自身的大小去除它，因此照样迈出正常大小的步子。",
        },
        rule=r"\lVert \nabla f \rVert < 10^{-3} \;\Rightarrow\; \eta \lVert \nabla f \rVert \approx 0",
        notice={
            "en": "After 300 steps gradient descent's loss is still above 0.99, while momentum and Adam are "
            "below 0.05.",
            "zh": "走了 300 步后，梯度下降的损失仍高于 0.99，而动量法和 Adam 已低于 0.05。",
        },
        scenes=(
            Scene(
                {"en": "GD, momentum, Adam", "zh": "梯度下降、动量、Adam"},
                {
                    "s": "plateau",
                    "opt": "gd,momentum,adam",
                    "gd.lr": "1.0",
                    "momentum.lr": "1.0",
                    "adam.lr": "0.1",
                    "steps": "300",
                },
            ),
        ),
    ),
    Lesson(
        key="l1_l2",
        title={"en": "9. L1 versus L2", "zh": "9. L1 与 L2"},
        text={
            "en": "Regularization adds a penalty to the loss. Seen as a constraint, L1 keeps the weights inside "
            "a diamond and L2 inside a circle; the first contour of the loss to touch the diamond usually "
            "touches a corner, on an axis: L1 gives sparse solutions. L2 (weight decay) only shrinks the "
            "weights towards zero. At zero |w| has no derivative, so L1 is minimised with its subgradient. "
            "In Adam an L2 penalty gets divided by the adaptive scale; AdamW decays the weights directly.",
            "zh": "正则化在损失上加一个惩罚项。把它看成约束：L1 让权重待在菱形里，L2 让权重待在圆里；"
            "损失的等高线第一次碰到菱形时，通常碰在角上，也就是坐标轴上：L1 给出稀疏解。L2（权重衰减）只是把权重向零收缩。"
            "|w| 在零点不可导，所以用次梯度来最小化 L1。在 Adam 中 L2 惩罚会被自适应尺度除掉，AdamW 则直接衰减权重。",
        },
        rule=r"J(w) = f(w) + \lambda \lVert w \rVert_1 \;\;\text{or}\;\; f(w) + \tfrac{\lambda}{2} \lVert w \rVert_2^2, "
        r"\qquad \partial |w| = \operatorname{sign}(w)",
        notice={
            "en": "With the L1 penalty the solution sits on the x axis (y within 0.011 of zero, the size of "
            "one subgradient step); with L2 both coordinates stay clearly non-zero; the L1 ball's solution is "
            "its corner (1, 0); the L2 ball's is off the axes.",
            "zh": "加 L1 惩罚时解落在 x 轴上（y 离零不超过 0.011，即一个次梯度步的大小）；加 L2 时两个坐标都明显不为零；"
            "L1 球约束的解是它的角 (1, 0)；L2 球约束的解不在坐标轴上。",
        },
        scenes=(
            Scene(
                {"en": "L1 penalty", "zh": "L1 惩罚"},
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.01",
                    "steps": "3000",
                    "reg": "l1",
                    "strength": "1.0",
                },
            ),
            Scene(
                {"en": "L2 penalty", "zh": "L2 惩罚"},
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.1",
                    "steps": "1000",
                    "reg": "l2",
                    "strength": "1.0",
                },
            ),
            Scene(
                {"en": "L1 ball", "zh": "L1 球约束"},
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.1",
                    "steps": "1000",
                    "reg": "l1_ball",
                    "strength": "1.0",
                },
            ),
            Scene(
                {"en": "L2 ball", "zh": "L2 球约束"},
                {
                    "s": "constrained_bowl",
                    "opt": "gd",
                    "gd.lr": "0.1",
                    "steps": "1000",
                    "reg": "l2_ball",
                    "strength": "1.0",
                },
            ),
        ),
    ),
    Lesson(
        key="initialization",
        title={"en": "10. Local minima and initialization", "zh": "10. 局部极小与初始化"},
        text={
            "en": "A surface can have several minima. Gradient descent only ever goes downhill from where it "
            "starts, so the start decides which one it finds. For large networks the notes observe that most "
            "local minima are nearly as good as the global one, but where you start still matters. The Basins "
            "page colours every start of a grid by the minimum it reaches.",
            "zh": "一个曲面可能有多个极小点。梯度下降只会从起点出发一路下坡，所以起点决定了它找到哪一个。"
            "讲义指出，对大型网络而言，大多数局部极小点几乎和全局极小点一样好，但从哪里出发仍然重要。"
            "“吸引域”页面会按每个起点最终到达的极小点给网格着色。",
        },
        rule=r"\theta_0 \mapsto \lim_{t\to\infty} \theta_t \in \{\text{minima}\}",
        notice={
            "en": "Twenty-five starts on a grid around the centre of Himmelblau's function, one optimizer: "
            "they end in all four minima.",
            "zh": "在 Himmelblau 函数中心附近的网格上取 25 个起点，用同一个优化器：它们分别落入全部四个极小点。",
        },
        scenes=(
            Scene(
                {"en": "25 starts", "zh": "25 个起点"},
                {
                    "s": "himmelblau",
                    "opt": "gd",
                    "gd.lr": "0.01",
                    "starts": "grid",
                    "count": "25",
                    "spread": "0.4",
                    "x0": "0.0",
                    "y0": "0.0",
                    "steps": "500",
                },
            ),
        ),
    ),
    Lesson(
        key="minibatch",
        title={"en": "11. Batches, noise and learning-rate decay", "zh": "11. 批量、噪声与学习率衰减"},
        text={
            "en": "The full-batch gradient is exact; a minibatch estimates it from a few examples, with noise "
            "whose size falls like 1/√(batch size), and stochastic gradient descent uses a single example. "
            "With noise the gradient does not vanish at the minimum, so a constant learning rate leaves the "
            "point jittering around it. The notes recommend decaying the rate linearly until step τ and "
            "keeping it constant afterwards.",
            "zh": "全批量梯度是精确的；小批量用少数样本估计它，噪声大小按 1/√(批量大小) 下降；随机梯度下降只用一个样本。"
            "有噪声时梯度在极小点处不会消失，所以固定学习率会让点在极小点附近不停抖动。讲义建议把学习率线性衰减到第 τ 步，"
            "之后保持不变。",
        },
        rule=r"\eta_k = \left(1 - \tfrac{k}{\tau}\right)\eta_0 + \tfrac{k}{\tau}\,\eta_\tau \;\;(k \le \tau), "
        r"\qquad \eta_k = \eta_\tau \;\;(k > \tau)",
        notice={
            "en": "Same noise, same start: with the linear decay the loss settles at least five times lower "
            "than with a constant learning rate.",
            "zh": "同样的噪声、同样的起点：采用线性衰减后，损失稳定在比固定学习率低至少五倍的水平。",
        },
        scenes=(
            Scene(
                {"en": "constant lr", "zh": "固定学习率"},
                {
                    "s": "narrow_valley",
                    "p.kappa": "10",
                    "opt": "gd",
                    "gd.lr": "0.0501",
                    "noise": "1.0",
                    "steps": "600",
                    "starts": "ring",
                    "count": "25",
                    "spread": "0.02",
                },
            ),
            Scene(
                {"en": "linear decay to τ = 400", "zh": "线性衰减到 τ = 400"},
                {
                    "s": "narrow_valley",
                    "p.kappa": "10",
                    "opt": "gd",
                    "gd.lr": "0.0501",
                    "noise": "1.0",
                    "steps": "600",
                    "starts": "ring",
                    "count": "25",
                    "spread": "0.02",
                    "schedule": "linear",
                    "tau": "400",
                    "final": "0.01",
                },
            ),
        ),
    ),
    Lesson(
        key="second_order",
        title={"en": "12. Ill-conditioning and second-order methods", "zh": "12. 病态条件与二阶方法"},
        text={
            "en": "Newton's method divides the gradient by the curvature: on a quadratic it lands on the "
            "minimum in one step, whatever the condition number. Adding αI to the Hessian (damping) makes it "
            "safe where the curvature is small or negative. BFGS and L-BFGS build an estimate of the inverse "
            "Hessian from the gradients they have seen; conjugate gradient chooses each new direction so as "
            "not to undo the previous ones.",
            "zh": "牛顿法用曲率去除梯度：在二次函数上，无论条件数多大，一步就能落到极小点。给 Hessian 加上 αI（阻尼）"
            "能让它在曲率很小或为负的地方也安全。BFGS 和 L-BFGS 根据见过的梯度构造逆 Hessian 的估计；"
            "共轭梯度法选择每个新方向时，使它不破坏之前方向上已取得的进展。",
        },
        rule=r"\theta_t = \theta_{t-1} - (H + \alpha I)^{-1} \nabla f(\theta_{t-1})",
        notice={
            "en": "Condition number 100: Newton converges in one step, BFGS, L-BFGS and conjugate gradient "
            "within ten, gradient descent has not converged after 200.",
            "zh": "条件数为 100：牛顿法一步收敛，BFGS、L-BFGS 和共轭梯度在十步之内收敛，梯度下降走了 200 步仍未收敛。",
        },
        scenes=(
            Scene(
                {"en": "first and second order", "zh": "一阶与二阶"},
                {
                    "s": "narrow_valley",
                    "p.kappa": "100",
                    "p.angle": "30",
                    "opt": "gd,newton,bfgs,lbfgs,cg",
                    "gd.lr": "0.01",
                    "steps": "200",
                },
            ),
        ),
    ),
)

BY_KEY = {lesson.key: lesson for lesson in LESSONS}
